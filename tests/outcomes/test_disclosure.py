"""A disclosure of a client's data (開示請求, consultations/retention.py) holds its financial
figures and milestones too: everything held about the client, including what the apps above
consultations keep."""

import json
from datetime import date

from consultations.retention import clients_export
from tests.consultations.factories import CaseFactory

from .factories import MilestoneFactory, SnapshotFactory


def test_a_disclosure_holds_the_clients_financial_figures_and_milestones(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    SnapshotFactory(client=case.client, period_end=date(2024, 3, 31), sales=48_000)
    SnapshotFactory(client=case.client, period_end=date(2025, 3, 31), sales=52_000)
    MilestoneFactory(case=case, description="新しい取引先と契約した。")
    other = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    SnapshotFactory(client=other.client, period_end=date(2025, 3, 31), sales=1)

    payload = json.loads(clients_export(clients=[case.client], by=cast.hq))
    held = payload["clients"][0]
    assert [s["sales"] for s in held["financial_snapshots"]] == [48_000, 52_000]
    assert [s["period_end"] for s in held["financial_snapshots"]] == ["2024-03-31",
                                                                      "2025-03-31"]
    assert [m["description"] for m in held["milestones"]] == ["新しい取引先と契約した。"]
    assert held["milestones"][0]["case_id"] == case.pk
