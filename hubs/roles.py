"""Roles and what each may do. This is the single map from an appointment to permissions;
docs/permissions.md describes it for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CHIEF = "chief", _("Chief coordinator")
    IMPL_ORG = "impl_org", _("Implementing organization")
    BUREAU = "bureau", _("Regional bureau")
    HQ = "hq", _("National HQ")


HUB_ROLES = frozenset({Role.COORDINATOR, Role.CHIEF, Role.IMPL_ORG})

# Object permissions on hubs.Hub. Each is a codename in Hub.Meta.permissions (or Django's own
# view_hub). Hub-owned data later issues add is checked against these, never against new ones
# per model, so that a consultation inherits access from its hub.
VIEW_HUB = "view_hub"
VIEW_RECORDS = "view_hub_records"  # clients, cases, sessions, referrals
CHANGE_RECORDS = "change_hub_records"
VIEW_AGGREGATES = "view_hub_aggregates"  # counts only
VIEW_STAFF = "view_hub_staff"
VIEW_AGENCIES = "view_agencies"
MANAGE_AGENCIES = "manage_agencies"
PROPOSE_APPOINTMENT = "propose_appointment"
APPROVE_APPOINTMENT = "approve_appointment"
# The guideline and evaluation (evaluation app).
SELF_CHECK = "self_check"  # rate oneself against the guideline
REVIEW_SELF_CHECKS = "review_self_checks"  # the chief coordinator, for the hub's coordinators
VIEW_SELF_CHECK_SUMMARY = "view_self_check_summary"  # the hub's aggregate, no one's ratings
EVALUATE = "evaluate_hub"  # HQ: hold hearings, score, finalise, publish
# Annual plans (evaluation/plans).
VIEW_PLAN = "view_plan"
EDIT_PLAN = "edit_plan"  # draft and confirm: chief coordinator and implementing organization
REVIEW_PLAN = "review_plan"  # comment, return, accept: the bureau
COMMENT_PLAN = "comment_plan"  # the bureau and HQ
# Surveys (evaluation/surveys).
RUN_AGENCY_SURVEY = "run_agency_survey"  # the implementing organization
# Satisfaction per coordinator, and clients' free comments: those who lead the hub's staff.
VIEW_SATISFACTION_DETAIL = "view_satisfaction_detail"

_HUB_STAFF = {VIEW_HUB, VIEW_AGGREGATES, VIEW_STAFF, VIEW_AGENCIES, VIEW_PLAN}

HUB_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        _HUB_STAFF | {VIEW_RECORDS, CHANGE_RECORDS, SELF_CHECK, VIEW_SELF_CHECK_SUMMARY}
    ),
    Role.CHIEF: frozenset(
        _HUB_STAFF | {VIEW_RECORDS, CHANGE_RECORDS, MANAGE_AGENCIES, PROPOSE_APPOINTMENT,
                      SELF_CHECK, REVIEW_SELF_CHECKS, VIEW_SELF_CHECK_SUMMARY, EDIT_PLAN,
                      VIEW_SATISFACTION_DETAIL}
    ),
    Role.IMPL_ORG: frozenset(_HUB_STAFF | {VIEW_RECORDS, MANAGE_AGENCIES, PROPOSE_APPOINTMENT,
                                           SELF_CHECK, VIEW_SELF_CHECK_SUMMARY, EDIT_PLAN,
                                           RUN_AGENCY_SURVEY, VIEW_SATISFACTION_DETAIL}),
}
# Granted on every hub of the user's bureau. Bureaus see figures, never client records.
BUREAU_HUB_PERMISSIONS = frozenset(_HUB_STAFF | {APPROVE_APPOINTMENT, REVIEW_PLAN,
                                                 COMMENT_PLAN})
# Granted on the bureau object itself.
BUREAU_PERMISSIONS = frozenset({"view_bureau"})
# Model-level (global) permissions of HQ: every hub, read only. Reads of personal data are
# logged where those records live.
HQ_PERMISSIONS = frozenset(_HUB_STAFF | {VIEW_RECORDS, VIEW_SELF_CHECK_SUMMARY, EVALUATE,
                                         COMMENT_PLAN, VIEW_SATISFACTION_DETAIL})
