"""The multi-faceted evaluation's permissions on a hub (hubs/permissions.py keeps the
registry). HQ creates, weights, finalises and publishes with evaluation.permissions.EVALUATE;
these are the others' parts of the loop."""

from django.utils.translation import gettext_lazy as _

from hubs.permissions import register
from hubs.roles import Role

# The hub's evaluation once HQ has published it, and its improvement requests: the hub's staff
# and its bureau (HQ sees every state through EVALUATE).
VIEW_ASSESSMENT = register(
    "view_assessment", _("Can see the hub's published evaluation and improvement requests"),
    roles={Role.COORDINATOR, Role.CHIEF, Role.IMPL_ORG, Role.BUREAU, Role.HQ})
# The chief coordinator and the implementing organization answer each request with actions.
ANSWER_REQUESTS = register(
    "answer_improvement_requests", _("Can answer the hub's improvement requests with actions"),
    roles={Role.CHIEF, Role.IMPL_ORG})
# The bureau follows the actions up (status and comments).
FOLLOW_UP_REQUESTS = register(
    "follow_up_improvement_requests", _("Can follow up the hub's improvement requests"),
    roles={Role.BUREAU})
# The hub's consent to publishing a best practice HQ has marked.
CONSENT_PRACTICES = register(
    "consent_best_practices", _("Can consent to publishing the hub's best practices"),
    roles={Role.CHIEF, Role.IMPL_ORG})
