from django.utils.functional import SimpleLazyObject

from yorozu.core import fiscal

from .access import hub_access
from .roles import (
    APPROVE_APPOINTMENT,
    CHANGE_RECORDS,
    PROPOSE_APPOINTMENT,
    VIEW_AGENCIES,
    VIEW_HUB,
    VIEW_RECORDS,
)

# Permissions of the apps above hubs, named by codename: hubs imports nothing from them
# (evaluation.permissions, evaluation.plans.permissions declare them).
EVALUATE, SELF_CHECK, REVIEW_PLAN = "evaluate_hub", "self_check", "review_plan"


def navigation(request):
    """What the navigation bar may link to: only what the user's roles can open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def build():
        from .models import Hub

        access = hub_access(user)
        agency_hubs = access.hub_ids(VIEW_AGENCIES)
        own_hub = None
        if agency_hubs is not None and len(agency_hubs) == 1:
            own_hub = Hub.objects.filter(pk=next(iter(agency_hubs))).first()
        return {
            "hubs": access.anywhere(VIEW_HUB),
            "own_hub": own_hub,
            "appointments": access.anywhere(APPROVE_APPOINTMENT)
            or access.anywhere(PROPOSE_APPOINTMENT),
            "admin": user.is_staff,
            "records": own_hub is not None and access.can(VIEW_RECORDS, own_hub.pk),
            "guideline": bool(access.everywhere or access.by_hub),
            "evaluate": access.can(EVALUATE, None),
            "self_check": access.anywhere(SELF_CHECK),
            "review_plans": access.anywhere(REVIEW_PLAN),
            "year": fiscal.current_fiscal_year(),
            "log": own_hub is not None and access.can(CHANGE_RECORDS, own_hub.pk),
        }

    return {"nav": SimpleLazyObject(build)}
