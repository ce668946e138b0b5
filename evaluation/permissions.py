"""The guideline's permissions on a hub (hubs/permissions.py keeps the registry; the role
groups are granted them after every migrate)."""

from django.utils.translation import gettext_lazy as _

from hubs.permissions import register
from hubs.roles import Role

HUB_STAFF = {Role.COORDINATOR, Role.CHIEF, Role.IMPL_ORG}

# Rate oneself against the guideline.
SELF_CHECK = register("self_check", _("Can rate oneself against the guideline"),
                      roles=HUB_STAFF)
# The chief coordinator, for the hub's coordinators.
REVIEW_SELF_CHECKS = register(
    "review_self_checks", _("Can review the hub's coordinators' self-checks"),
    roles={Role.CHIEF})
# The hub's aggregate, no one's ratings.
VIEW_SELF_CHECK_SUMMARY = register(
    "view_self_check_summary", _("Can see the hub's self-check summary"),
    roles=HUB_STAFF | {Role.HQ})
# HQ: hold hearings, score, finalise, publish; write the activity policy.
EVALUATE = register("evaluate_hub", _("Can hold hearings with the hub and score it"),
                    roles={Role.HQ})
