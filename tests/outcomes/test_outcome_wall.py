"""The database's second wall (hubs/rls.py) covers client outcomes as it covers clients: their
tables (history too) carry the policy, and behind a hub's wall another hub's figures and
milestones are neither seen nor written. PostgreSQL only."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from evaluation.outcomes.models import FinancialSnapshot, Milestone
from hubs import rls

from .factories import MilestoneFactory, SnapshotFactory, supported_client

pytestmark = pytest.mark.needs_postgres

TABLES = {"outcomes_financialsnapshot", "outcomes_historicalfinancialsnapshot",
          "outcomes_milestone", "outcomes_historicalmilestone"}


def test_the_outcome_tables_carry_the_wall(db):
    assert {m._meta.db_table for m in rls.walled_models()} >= TABLES
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relrowsecurity AND relname = ANY(%s)",
                       [sorted(TABLES)])
        assert {row[0] for row in cursor.fetchall()} == TABLES


def test_behind_a_hubs_wall_another_hubs_outcomes_are_not_there(cast):
    own = supported_client(cast.hub, cast.coordinator, date(2024, 6, 1))
    other = supported_client(cast.other_hub, cast.outsider, date(2024, 6, 1))
    for client in (own, other):
        SnapshotFactory(client=client)
        MilestoneFactory(case=client.cases.get())
    with rls.hub_wall([cast.hub.pk]):
        assert list(FinancialSnapshot.objects.values_list("client", flat=True)) == [own.pk]
        assert list(Milestone.objects.values_list("client", flat=True)) == [own.pk]
        assert FinancialSnapshot.objects.filter(client=other).update(sales=1) == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            FinancialSnapshot.objects.create(hub=cast.other_hub, client=other,
                                             period_end=date(2025, 3, 31), sales=1,
                                             operating_profit=1, personnel_costs=1,
                                             depreciation=1)
    assert FinancialSnapshot.objects.count() == Milestone.objects.count() == 2
