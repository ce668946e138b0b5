"""Surveys' permissions on a hub (registry: hubs/permissions.py). Results that everyone of
the hub sees need hubs' own view_hub_aggregates."""

from django.utils.translation import gettext_lazy as _

from hubs.permissions import register
from hubs.roles import Role

# Create, start, remind and close a regional support-agency survey.
RUN_AGENCY_SURVEY = register(
    "run_agency_survey", _("Can run the hub's regional support-agency survey"),
    roles={Role.IMPL_ORG})
# Satisfaction per coordinator, and clients' free comments: those who lead the hub's staff.
VIEW_SATISFACTION_DETAIL = register(
    "view_satisfaction_detail",
    _("Can see satisfaction per coordinator and clients' comments"),
    roles={Role.CHIEF, Role.IMPL_ORG, Role.HQ})
