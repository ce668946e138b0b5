"""The client page's outcomes section (経営状況の推移 and 成果), which consultations draws through
its registry of sections (consultations/pages.py). The page itself found the client through
the user's access and logged the read; the rows here are read through the same door."""

from hubs.access import hub_access
from hubs.roles import CHANGE_RECORDS, VIEW_RECORDS

from .forms import SnapshotForm
from .models import FinancialSnapshot
from .selectors import client_milestones, client_snapshots

TEMPLATE = "evaluation/outcomes/_client_section.html"


def client_outcomes_section(*, request, client) -> dict | None:
    """The section for `client` as `request`'s user sees it (two queries): the snapshots,
    oldest period first, with the figure's baseline and latest marked; the milestones; for
    those who may change the hub's records, the form to add a period."""
    access = hub_access(request.user)
    if not access.can(VIEW_RECORDS, client.hub_id):
        return None
    can_change = access.can(CHANGE_RECORDS, client.hub_id)
    return {
        "template": TEMPLATE,
        "client": client,
        "snapshots": client_snapshots(user=request.user, client=client),
        "milestones": client_milestones(user=request.user, client=client),
        "can_change": can_change,
        "form": (SnapshotForm(instance=FinancialSnapshot(hub_id=client.hub_id, client=client),
                              auto_id="snapshot-new-%s") if can_change else None),
    }
