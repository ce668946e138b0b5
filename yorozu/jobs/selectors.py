"""Which jobs a user sees. A job belongs to the data behind it: the user needs its kind's
permission at its hub (every hub of its bureau, or everywhere for a national job), whoever
started it. A job the user may not see answers 404, like a missing one."""

from django.db.models import Q

from hubs.access import hub_access
from hubs.models import Hub
from hubs.scoping import get_for_user_or_404

from .models import Job
from .registry import KINDS

PAGE_SIZE = 30


def scope_filter(user) -> Q:
    access = hub_access(user)
    visible = Q(pk__in=[])
    hubs_of_bureau: dict[int, set[int]] | None = None
    for kind in KINDS.values():
        hub_ids = access.hub_ids(kind.perm)
        if hub_ids is None:  # everywhere
            visible |= Q(kind=kind.name)
            continue
        if not hub_ids:
            continue
        if hubs_of_bureau is None:
            hubs_of_bureau = _hubs_of_bureau()
        # A bureau-wide job needs the permission at every hub of the bureau.
        bureaus = sorted(b for b, hubs in hubs_of_bureau.items() if hubs <= hub_ids)
        visible |= Q(kind=kind.name) & (Q(scope=Job.Scope.HUB, hub_id__in=sorted(hub_ids))
                                        | Q(scope=Job.Scope.BUREAU, bureau_id__in=bureaus))
    return visible


def _hubs_of_bureau() -> dict[int, set[int]]:
    by_bureau: dict[int, set[int]] = {}
    for hub_id, bureau_id in Hub.objects.values_list("pk", "bureau_id"):
        by_bureau.setdefault(bureau_id, set()).add(hub_id)
    return by_bureau


def jobs_visible(*, user):
    return Job.objects.for_user(user).select_related("hub", "bureau", "started_by")


def jobs_for_page(*, user):
    """The user's own jobs first, then scheduled ones of their scope, newest first."""
    visible = jobs_visible(user=user)
    return {"mine": list(visible.filter(started_by=user)[:PAGE_SIZE]),
            "scheduled": list(visible.filter(started_by__isnull=True)[:PAGE_SIZE])}


def job_for_user_or_404(*, user, pk: int) -> Job:
    return get_for_user_or_404(Job.objects.select_related("hub", "bureau", "started_by"),
                               user, pk=pk)
