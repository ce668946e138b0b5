"""The demo's client outcomes: a demo hub's figure shows, a breakdown cell is withheld, the
records meet the models' rules, and seeding again adds nothing."""

import pytest
from django.db import transaction

from consultations.demo import seed_activity
from evaluation import figures
from evaluation.outcomes.demo import seed_outcomes
from evaluation.outcomes.models import FinancialSnapshot, Milestone
from evaluation.outcomes.selectors import cohort, national_outcomes
from hubs.demo import seed_demo
from hubs.models import Hub
from yorozu.core import fiscal


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo's hubs, people, activity and outcomes, once for the module, in a transaction
    rolled back at its end."""
    with django_db_blocker.unblock():
        held = transaction.atomic()
        held.__enter__()
        seed_demo()
        seed_activity()
        done = seed_outcomes()
    yield done
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        held.__exit__(None, None, None)


def test_a_demo_hub_shows_its_figure_and_a_breakdown_withholds_a_cell(seeded, db):
    year = fiscal.current_fiscal_year() - 1  # the outcome pages' default cohort
    tokyo = Hub.objects.get(jis_code="13")
    shown = figures.value_added_change(hub_ids=[tokyo.pk], **cohort(year))
    assert not shown.withheld and shown.clients >= figures.outcome_min_clients()
    assert shown.baseline > 0 and shown.rate is not None
    national = national_outcomes(fiscal_year=year)
    hubs = {hub.jis_code: hub.figure for b in national["bureaus"] for hub in b.hubs}
    assert hubs["27"].withheld and 0 < hubs["27"].clients < figures.outcome_min_clients()
    assert not national["national"].withheld


def test_the_demo_records_meet_the_models_rules(seeded, db):
    assert seeded["snapshots"] > 0 and seeded["milestones"] > 0
    for snapshot in FinancialSnapshot.objects.order_by("pk")[:200]:
        snapshot.full_clean()
    for milestone in Milestone.objects.order_by("pk")[:50]:
        milestone.full_clean()


def test_seeding_again_adds_nothing(seeded, db):
    assert seed_outcomes() == seeded
