from datetime import date

import factory
from factory.django import DjangoModelFactory

from evaluation.outcomes.models import FinancialSnapshot, Milestone
from tests.consultations.factories import CaseFactory, SessionFactory

# The cohort of tests/outcomes/conftest.py's `tokyo`: clients first consulted in FY2024.
FY2024 = {"first_from": date(2024, 4, 1), "first_to": date(2025, 3, 31)}


class SnapshotFactory(DjangoModelFactory):
    """A period's figures (thousand yen); give operating_profit, personnel_costs and
    depreciation to set the value added."""

    class Meta:
        model = FinancialSnapshot

    hub = factory.SelfAttribute("client.hub")
    period_end = date(2024, 3, 31)
    sales = 50_000
    operating_profit = 1_000
    personnel_costs = 5_000
    depreciation = 500


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    hub = factory.SelfAttribute("case.hub")
    client = factory.SelfAttribute("case.client")
    kind = Milestone.Kind.NEW_MARKET
    achieved_on = date(2025, 6, 1)
    description = "新しい取引先と契約した。"
    confirmed_on = date(2025, 6, 10)
    confirmation = Milestone.Confirmation.EMAIL


def supported_client(hub, lead, first_session_on, *, client=None):
    """A client (new, or `client`) with a case led by `lead` and a session on the day given:
    its first session, kept on the client (Client.first_session_on)."""
    case = CaseFactory(hub=hub, lead=lead, opened_on=first_session_on,
                       **({"client": client} if client is not None else {}))
    SessionFactory(hub=hub, case=case, held_on=first_session_on)
    case.client.refresh_from_db()
    return case.client


def figures_of(client, *periods):
    """Snapshots of `client`: (period_end, operating profit, personnel costs, depreciation)."""
    return [SnapshotFactory(client=client, period_end=end, operating_profit=op,
                            personnel_costs=pc, depreciation=dep)
            for end, op, pc, dep in periods]
