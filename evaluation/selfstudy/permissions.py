"""The self-study's permissions on a hub (registry: hubs/permissions.py)."""

from django.utils.translation import gettext_lazy as _

from hubs.permissions import register
from hubs.roles import Role

# Read: the hub's staff, its bureau and HQ (what they see of a draft: docs/permissions.md).
VIEW_SELF_STUDY = register(
    "view_self_study", _("Can read the hub's self-study for the hearing"),
    roles={Role.COORDINATOR, Role.CHIEF, Role.IMPL_ORG, Role.BUREAU, Role.HQ})
# Write, attach, submit and reopen: the chief coordinator and the implementing organization.
EDIT_SELF_STUDY = register(
    "edit_self_study", _("Can write and submit the hub's self-study for the hearing"),
    roles={Role.CHIEF, Role.IMPL_ORG})
