"""seed_scale (yorozu/scale/) loads the sizes asked for, the same rows for the same seed,
consistent enough that every daily page renders, and only into an empty database."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Max, Min
from django.urls import reverse

from consultations.models import Case, Client, Session
from evaluation.plans.models import AnnualPlan
from hubs.models import Hub
from yorozu.core import fiscal
from yorozu.scale import activity
from yorozu.scale.bulk import MissingColumn, Writer
from yorozu.scale.seed import Sizes, shares

SESSIONS = 2000


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One small national load for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        held = transaction.atomic()
        held.__enter__()
        call_command("seed_scale", sessions=SESSIONS, years=3, seed=7, stdout=StringIO())
    yield Sizes.for_sessions(SESSIONS, years=3)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        held.__exit__(None, None, None)


def test_the_load_has_the_sizes_asked_for(db, seeded):
    assert Session.objects.count() == seeded.sessions == SESSIONS
    assert Case.objects.count() == seeded.cases
    assert Client.objects.count() == seeded.clients
    assert AnnualPlan.objects.count() == 3 * 47
    first = fiscal.fiscal_year_start(fiscal.current_fiscal_year() - 2)
    span = Session.objects.aggregate(first=Min("held_on"), last=Max("held_on"))
    assert first <= span["first"] and span["last"] <= fiscal.today()


def test_every_hub_has_activity_and_tokyo_the_most(db, seeded):
    per_hub = dict(Session.objects.values_list("hub__jis_code").annotate(n=Count("pk")))
    assert len(per_hub) == 47
    assert max(per_hub, key=per_hub.get) == "13"
    assert 0.06 < per_hub["13"] / SESSIONS < 0.09


def test_records_stay_within_their_hub(db, seeded):
    assert not Session.objects.exclude(case__hub=F("hub")).exists()
    assert not Case.objects.exclude(client__hub=F("hub")).exists()
    assert not Case.objects.exclude(lead__appointments__hub=F("hub")).exists()


def test_sessions_are_loaded_with_their_cases_depth(db, seeded):
    # Written in the load itself: the rebuild after it leaves the sessions' depths alone.
    assert not Session.objects.exclude(case_depth=F("case__depth")).exists()
    assert Session.objects.filter(case_depth=Case.Depth.EXPERT).exists()
    assert Session.objects.exclude(case_depth=Case.Depth.EXPERT).exists()


@pytest.mark.parametrize("role, path", [
    ("coord1.13", "consultations:case_list"), ("coord1.13", "consultations:followups"),
    ("chief.13", "hubs:hub_detail"), ("chief.13", "surveys:satisfaction_results"),
    ("chief.13", "plans:plan_dashboard_hub"),
])
def test_daily_pages_render_on_the_loaded_data(client, db, seeded, role, path):
    client.force_login(get_user_model().objects.get(email=f"{role}@scale.example.jp"))
    response = client.get(reverse(path, args=["13"]))
    assert response.status_code == 200


def test_the_same_seed_gives_the_same_rows():
    plan = activity.HubPlan(hub_id=1, code="13", clients=5, cases=9, sessions=20,
                            coordinators=[1, 2], agencies=[3], first_client_id=1,
                            first_case_id=1, first_session_id=1, first_referral_id=1)
    made = [activity.hub_rows(plan, seed=1, first_day=date(2020, 4, 1),
                              today=date(2026, 12, 2), topics=[1, 2, 3], industries=[1])
            for _ in range(2)]
    assert made[0] == made[1]
    assert len(made[0].sessions) == 20 and len(made[0].cases) == 9


def test_shares_sum_exactly_and_give_every_hub_one():
    counts = shares(1000, [f"{n:02d}" for n in range(1, 48)])
    assert sum(counts.values()) == 1000 and min(counts.values()) >= 1


def test_a_second_load_is_refused(db, seeded):
    with pytest.raises(CommandError, match="freshly migrated"):
        call_command("seed_scale", sessions=1000)


def test_a_required_column_left_out_is_named(db):
    with pytest.raises(MissingColumn, match="hubs.Hub.jis_code"):
        Writer().load(Hub, ["prefecture_ja"], [])
