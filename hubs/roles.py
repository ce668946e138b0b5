"""Roles and what each may do on a hub. hubs' own permissions are mapped here; the apps
above hubs register theirs with the roles that hold them (hubs/permissions.py), and
role_permissions() gives the whole set. docs/permissions.md describes it for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CHIEF = "chief", _("Chief coordinator")
    IMPL_ORG = "impl_org", _("Implementing organization")
    BUREAU = "bureau", _("Regional bureau")
    HQ = "hq", _("National HQ")


HUB_ROLES = frozenset({Role.COORDINATOR, Role.CHIEF, Role.IMPL_ORG})

# Object permissions on hubs.Hub that hubs itself declares: each is a codename in
# Hub.Meta.permissions (or Django's own view_hub). The apps above hubs declare theirs in their
# own permissions.py through hubs.permissions.register; role_permissions() adds them here.
# Hub-owned data is checked against hub permissions, never against new ones per model, so
# that a consultation inherits access from its hub.
VIEW_HUB = "view_hub"
VIEW_RECORDS = "view_hub_records"  # clients, cases, sessions, referrals
CHANGE_RECORDS = "change_hub_records"
VIEW_AGGREGATES = "view_hub_aggregates"  # counts only
VIEW_STAFF = "view_hub_staff"
VIEW_AGENCIES = "view_agencies"
MANAGE_AGENCIES = "manage_agencies"
PROPOSE_APPOINTMENT = "propose_appointment"
APPROVE_APPOINTMENT = "approve_appointment"

_HUB_STAFF = {VIEW_HUB, VIEW_AGGREGATES, VIEW_STAFF, VIEW_AGENCIES}

# hubs' own permissions per role; role_permissions() adds the registered ones.
HUB_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(_HUB_STAFF | {VIEW_RECORDS, CHANGE_RECORDS}),
    Role.CHIEF: frozenset(
        _HUB_STAFF | {VIEW_RECORDS, CHANGE_RECORDS, MANAGE_AGENCIES, PROPOSE_APPOINTMENT}
    ),
    Role.IMPL_ORG: frozenset(_HUB_STAFF | {VIEW_RECORDS, MANAGE_AGENCIES, PROPOSE_APPOINTMENT}),
}
# Granted on every hub of the user's bureau. Bureaus see figures, never client records.
BUREAU_HUB_PERMISSIONS = frozenset(_HUB_STAFF | {APPROVE_APPOINTMENT})
# Granted on the bureau object itself.
BUREAU_PERMISSIONS = frozenset({"view_bureau"})
# Model-level (global) permissions of HQ: every hub, read only. Reads of personal data are
# logged where those records live.
HQ_PERMISSIONS = frozenset(_HUB_STAFF | {VIEW_RECORDS})

_OWN = {**HUB_ROLE_PERMISSIONS, Role.BUREAU: BUREAU_HUB_PERMISSIONS, Role.HQ: HQ_PERMISSIONS}


def role_permissions(role: str) -> frozenset[str]:
    """Every hub permission the role holds: on its hub (hub roles), on its bureau's hubs
    (bureau) or on all hubs (HQ). hubs' own, plus those the apps above registered."""
    from .permissions import codenames_for  # here: hubs.permissions imports Role from us

    return _OWN[role] | codenames_for(role)
