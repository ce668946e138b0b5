"""The one door to hub-owned rows. Every view reaches hub-owned data through
`Model.objects.for_user(user, perm)` or `get_for_user_or_404`, so that another hub's row is
filtered out in SQL and answers 404 exactly like a missing one."""

from django.db import models
from django.http import Http404

from .roles import VIEW_RECORDS


class HubScopedQuerySet(models.QuerySet):
    # The path from the model to its hub, for models that reach it through another row
    # (a session through its case: "case__hub").
    hub_field = "hub"

    def for_user(self, user, perm: str = VIEW_RECORDS):
        from .access import hub_access

        hub_ids = hub_access(user).hub_ids(perm)
        if hub_ids is None:  # held everywhere (HQ)
            return self
        return self.filter(**{f"{self.hub_field}__in": sorted(hub_ids)})


def get_for_user_or_404(queryset, user, perm: str = VIEW_RECORDS, **lookup):
    """The object if the user holds `perm` on its hub; otherwise 404, missing or not."""
    try:
        return queryset.for_user(user, perm).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_for_user_or_403(queryset, user, *, read: str, write: str, **lookup):
    """For actions: a row the user cannot see is a 404; one they see but may not change is a
    403, which tells them nothing they could not already read."""
    obj = get_for_user_or_404(queryset, user, read, **lookup)
    hub_id = _hub_id_of(obj, queryset.hub_field)
    from .access import require

    require(user, write, hub_id)
    return obj


def _hub_id_of(obj, hub_field: str) -> int:
    if hub_field == "pk":
        return obj.pk
    target = obj
    *path, last = hub_field.split("__")
    for part in path:
        target = getattr(target, part)
    return getattr(target, f"{last}_id")


def hub_for_user_or_404(user, jis_code: str, perm: str):
    """A hub by its prefecture code if the user holds `perm` there; otherwise 404."""
    from .models import Hub

    return get_for_user_or_404(Hub.objects.select_related("bureau"), user, perm,
                               jis_code=jis_code)



def authorised_hub_or_404(user, jis_code: str, perm: str):
    """`hub_for_user_or_404` as an AuthorisedHub, for the selectors: 404 where the user does
    not hold `perm` (another hub's page and a missing one look the same)."""
    from .access import authorise

    return authorise(user, perm, hub_for_user_or_404(user, jis_code, perm))
