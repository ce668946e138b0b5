"""Client outcomes' permissions on a hub (registry: hubs/permissions.py).

The records themselves (a client's financial figures and milestones) follow the client:
hubs' own view_hub_records (coordinator, chief coordinator, implementing organization, HQ with
each read logged) and change_hub_records (coordinator, chief coordinator). A bureau sees
figures only, on a page of its own, with this permission on its hubs."""

from django.utils.translation import gettext_lazy as _

from hubs.permissions import register
from hubs.roles import Role

# The bureau's page: its hubs' value-added figures and the bureau's total, never a client.
VIEW_OUTCOME_FIGURES = register(
    "view_outcome_figures", _("Can see the client-outcome figures of its hubs"),
    roles={Role.BUREAU})
