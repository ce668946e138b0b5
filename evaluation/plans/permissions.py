"""Annual plans' permissions on a hub (registry: hubs/permissions.py)."""

from django.utils.translation import gettext_lazy as _

from hubs.permissions import register
from hubs.roles import Role

# Plan, versions, diff, dashboards: the hub's staff, its bureau and HQ.
VIEW_PLAN = register("view_plan", _("Can see the hub's annual plan"),
                     roles={Role.COORDINATOR, Role.CHIEF, Role.IMPL_ORG, Role.BUREAU, Role.HQ})
# Draft and confirm: the chief coordinator and the implementing organization.
EDIT_PLAN = register("edit_plan", _("Can draft and confirm the hub's annual plan"),
                     roles={Role.CHIEF, Role.IMPL_ORG})
# Start review, return, accept: the bureau.
REVIEW_PLAN = register("review_plan", _("Can return or accept the hub's annual plan"),
                       roles={Role.BUREAU})
# Comment on a section: the bureau and HQ.
COMMENT_PLAN = register("comment_plan", _("Can comment on the hub's annual plan"),
                        roles={Role.BUREAU, Role.HQ})
