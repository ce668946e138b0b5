"""Permission-matrix rows for the client-outcome pages (merged into
tests/project/test_permission_matrix.py). Outcomes in role order: anon coordinator chief
impl_org bureau hq admin. A client's figures and milestones follow the client: its hub's
coordinators and chief coordinator write, the implementing organization and HQ read (403 on
writes), a bureau never sees a client (404); the bureau has a page of figures of its own."""

from datetime import date

from tests.consultations.factories import CaseFactory

from .factories import MilestoneFactory, SnapshotFactory

READ, READ_OTHER = "L 200 200 200 404 200 404", "L 404 404 404 404 200 404"
WRITE, WRITE_OTHER = "L 200 200 403 404 403 404", "L 404 404 404 404 403 404"
DELETE = "L 302 302 403 404 403 404"

ROWS: dict[str, tuple] = {
    # The hub's figure with the clients behind it: whoever reads the hub's records.
    "outcomes:outcomes_hub": ("GET", "hub", READ, READ_OTHER),
    # Aggregates only: the bureau's own page; HQ's is the national one.
    "outcomes:outcomes_bureau": ("GET", None, "L 403 403 403 200 403 403", None),
    "outcomes:outcomes_national": ("GET", None, "L 403 403 403 403 200 403", None),
    "outcomes:snapshot_import": ("GET", "hub", WRITE, WRITE_OTHER),
    "outcomes:snapshot_create": ("GET", "client", WRITE, WRITE_OTHER),
    "outcomes:snapshot_edit": ("GET", "outcome_snapshot", WRITE, WRITE_OTHER),
    "outcomes:snapshot_delete": ("POST", "outcome_snapshot", DELETE, WRITE_OTHER),
    "outcomes:milestone_create": ("GET", "client", WRITE, WRITE_OTHER),
    "outcomes:milestone_edit": ("GET", "outcome_milestone", WRITE, WRITE_OTHER),
    "outcomes:milestone_delete": ("POST", "outcome_milestone", DELETE, WRITE_OTHER),
}
# Their downloads answer each role as the pages do.
DOWNLOADS = ["outcomes:outcomes_hub", "outcomes:outcomes_bureau", "outcomes:outcomes_national"]


def _case(cast, which):
    hub, lead = (cast.hub, cast.coordinator) if which == "own" else (cast.other_hub,
                                                                      cast.outsider)
    return CaseFactory(hub=hub, lead=lead)


def outcome_snapshot(cast, which) -> dict:
    return {"pk": SnapshotFactory(client=_case(cast, which).client,
                                  period_end=date(2024, 3, 31)).pk}


def outcome_milestone(cast, which) -> dict:
    return {"pk": MilestoneFactory(case=_case(cast, which)).pk}


TARGETS: dict = {"outcome_snapshot": outcome_snapshot, "outcome_milestone": outcome_milestone}
