from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMonth

from consultations.models import Case, Client, Referral, Session
from consultations.tallies import EVERY, SESSION_TOPICS
from consultations.validators import validate_corporate_number
from evaluation.models import Guideline, Hearing, Score
from evaluation.plans.models import ActivityPolicy, AnnualPlan, PlanVersion
from evaluation.surveys.models import (
    AgencyInvitation,
    AgencyResponse,
    AgencySurvey,
    SatisfactionInvitation,
    SatisfactionResponse,
)
from hubs.models import Appointment, Bureau, Hub, HubGroupObjectPermission, SupportAgency
from hubs.roles import Role
from tests.hubs.factories import read_as_hq
from yorozu.core import fiscal

TOKYO = ZoneInfo("Asia/Tokyo")


def _counts():
    return {model.__name__: model.objects.count() for model in (
        get_user_model(), Appointment, SupportAgency, Hub, Bureau, Group,
        HubGroupObjectPermission, Client, Case, Session, Referral,
        Case.topics.through, Session.coordinators.through, Guideline, Hearing, Score,
        AnnualPlan, PlanVersion, ActivityPolicy, SatisfactionResponse, SatisfactionInvitation,
        AgencySurvey, AgencyInvitation, AgencyResponse)}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once for the module's tests (its output is returned), inside a
    transaction held open for the module and rolled back at its end, like `module_cast`;
    each test's changes are undone by its own savepoint."""
    out = StringIO()
    with django_db_blocker.unblock():
        held = transaction.atomic()
        held.__enter__()
        call_command("seed_demo", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        held.__exit__(None, None, None)


def test_seed_demo_twice_gives_the_same_counts(seeded, db):
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    assert first["Hub"] == 47 and first["Bureau"] == 9
    assert first["User"] >= 20 and first["SupportAgency"] >= 20
    assert 300 <= first["Client"] <= 600 and 2000 <= first["Session"] <= 5000
    assert first["Referral"] >= 40
    assert f"{first['Session']} sessions" in seeded
    # Last year's guideline published with a hearing per hub; this year's a draft for HQ.
    assert first["Guideline"] == 2 and first["Hearing"] == 47
    year = fiscal.current_fiscal_year()
    assert Guideline.objects.get(fiscal_year=year - 1).is_published
    assert Guideline.objects.get(fiscal_year=year).status == Guideline.Status.DRAFT
    # Plans: last year's accepted at each demo hub, this year's in every state of review.
    assert first["AnnualPlan"] == 8 and first["ActivityPolicy"] == 1
    assert set(AnnualPlan.objects.filter(fiscal_year=year).values_list("status", flat=True)) == {
        "submitted", "accepted", "returned", "draft"}


def test_seed_demo_gives_surveys_with_results_to_show(seeded, db):
    from evaluation.surveys.agency_selectors import agency_survey_summary
    from evaluation.surveys.satisfaction_selectors import satisfaction_summary

    tokyo = Hub.objects.get(jis_code="13")
    year = fiscal.current_fiscal_year()
    assert SatisfactionResponse.objects.filter(hub=tokyo).count() >= 20
    agencies = agency_survey_summary(hub=read_as_hq(tokyo), fiscal_year=year - 1)
    assert agencies is not None and not agencies["withheld"]
    assert AgencySurvey.objects.get(hub=tokyo, fiscal_year=year).status == "open"
    summary = satisfaction_summary(hub=read_as_hq(tokyo), fiscal_year=year - 1)
    assert summary["n"] >= 5


def test_seed_demo_gives_every_role_a_working_login(seeded, client, db):
    for email in ["hq@example.jp", "bureau.kanto@example.jp", "chief.tokyo@example.jp",
                  "org.tokyo@example.jp", "coord1.tokyo@example.jp"]:
        client.logout()
        response = client.post("/accounts/login/", {"username": email,
                                                    "password": "yorozu-demo-2026"})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200


def assert_consistent_activity(today):
    """What the demo activity promises, on whatever day it was seeded."""
    demo_hubs = Hub.objects.filter(clients__isnull=False).distinct()
    assert demo_hubs.count() == 4
    for hub in demo_hubs:
        referrals = Referral.objects.filter(hub=hub)
        # Every state of the referral loop, and overdue follow-ups, at every demo hub.
        assert set(referrals.values_list("status", flat=True)) == set(Referral.Status.values)
        assert referrals.filter(status__in=Referral.OPEN_STATUSES,
                                follow_up_due__lt=today).exists()
        assert 500 <= Session.objects.filter(hub=hub).count() <= 1200

    # Nothing in the future: no session, case date or referral timestamp after today.
    assert not Session.objects.filter(held_on__gt=today).exists()
    assert not Case.objects.filter(opened_on__gt=today).exists()
    assert not Case.objects.filter(closed_on__gt=today).exists()
    now = datetime.combine(today, datetime.min.time(), tzinfo=TOKYO)
    for stamp in ("created_at", "acknowledged_at", "reported_at", "closed_at"):
        assert not Referral.objects.filter(**{f"{stamp}__gte": now}).exists(), stamp
    assert not Client.objects.filter(created_at__gte=now).exists()

    # Dates in order; open cases have no closing date, the others one on or after opening.
    assert not Case.objects.filter(closed_on__lt=F("opened_on")).exists()
    assert not Case.objects.filter(status=Case.Status.OPEN, closed_on__isnull=False).exists()
    assert not Case.objects.exclude(status=Case.Status.OPEN).filter(
        closed_on__isnull=True).exists()
    assert not Session.objects.filter(held_on__lt=F("case__opened_on")).exists()
    assert not Session.objects.filter(held_on__gt=F("case__closed_on")).exists()
    assert not Referral.objects.filter(acknowledged_at__lt=F("created_at")).exists()
    assert not Referral.objects.filter(closed_at__lt=F("created_at")).exists()
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert set(Case.objects.values_list("depth", flat=True)) == set(Case.Depth.values)
    assert set(Session.objects.values_list("channel", flat=True)) == set(
        Session.Channel.values)

    # Everything of a case belongs to the case's hub, and so does every referral's agency.
    assert not Case.objects.exclude(client__hub=F("hub")).exists()
    assert not Session.objects.exclude(case__hub=F("hub")).exists()
    assert not Referral.objects.exclude(case__hub=F("hub")).exists()
    assert not Referral.objects.exclude(agency__hub=F("hub")).exists()
    # Each session carries its case's depth (set by the rebuild after the bulk load).
    assert not Session.objects.exclude(case_depth=F("case__depth")).exists()
    # Leads and coordinators present are the hub's own coordinators or chief.
    staff = {(a.hub_id, a.user_id) for a in Appointment.objects.active(today).filter(
        role__in=[Role.COORDINATOR, Role.CHIEF])}
    assert {(hub, user) for hub, user in Case.objects.values_list("hub", "lead")} <= staff
    present = Session.coordinators.through.objects.values_list("session__hub", "user")
    assert set(present) <= staff
    assert not Session.objects.filter(coordinators__isnull=True).exists()
    assert not Case.objects.filter(topics__isnull=True).exists()

    # Corporate numbers are valid, and only corporations have one.
    numbers = Client.objects.exclude(corporate_number="")
    assert numbers.count() >= 50
    assert not numbers.exclude(kind=Client.Kind.CORPORATION).exists()
    for number in numbers.values_list("corporate_number", flat=True):
        validate_corporate_number(number)

    # A client was created on the day of its first session.
    for client in Client.objects.order_by("?")[:20]:
        first = Session.objects.filter(case__client=client).order_by("held_on").first()
        assert fiscal.tokyo_date(client.created_at) == first.held_on


def test_seed_demo_activity_is_consistent(seeded, db):
    today = fiscal.today()
    assert_consistent_activity(today)
    fy = fiscal.current_fiscal_year()
    start = fiscal.fiscal_year_start(fy)
    assert Session.objects.filter(held_on__gte=fiscal.fiscal_year_start(fy - 1),
                                  held_on__lt=start).exists()
    if today > start + timedelta(days=7):  # in the first days of April the year is empty
        assert Session.objects.filter(held_on__gte=start).exists()
        assert Client.objects.filter(created_at__date__gte=start).exists()


def test_seed_demo_keeps_every_tally_equal_to_a_recount(seeded, db):
    """The demo writes in bulk, past the ORM's save: each tally it feeds is recounted."""
    for kept in EVERY:
        key = (kept.key,) if kept.key else ()
        found = set(kept.tally.objects.values_list("hub_id", "month", *key, kept.count))
        if kept is SESSION_TOPICS:  # counted per topic of the case: its tests recount it
            assert found
            continue
        records = kept.source.objects.filter(**{f"{kept.day}__isnull": False})
        recount = set(records.order_by().annotate(month=TruncMonth(kept.day))
                      .values_list("hub_id", "month", *key).annotate(n=Count("*")))
        assert found == recount != set(), kept.tally.__name__


def test_seed_demo_shows_the_evaluation_loop_closed(seeded, client, db):
    from evaluation.assessments import selectors as assessment_selectors
    from evaluation.assessments.models import Assessment, ImprovementRequest

    year = fiscal.current_fiscal_year()
    assert Assessment.objects.filter(fiscal_year=year - 1, status="published").count() == 47
    tokyo = Assessment.objects.get(hub__jis_code="13", fiscal_year=year - 1)
    found = assessment_selectors.evaluated(tokyo)
    scored = {code for code, value in found.values.values.items() if value.score is not None}
    # Every axis has records behind it at the demo's first hub.
    assert {"guideline", "satisfaction", "agency_survey", "plan_standard", "follow_up",
            "expert_share", "outcomes"} <= scored, scored
    assert found.composite is not None
    requests = ImprovementRequest.objects.filter(hub__jis_code="13")
    assert {r.status for r in requests} == {"in_progress", "done"}
    assert all(r.actions.exists() and r.follow_ups.exists() for r in requests)
    client.post("/accounts/login/", {"username": "chief.tokyo@example.jp",
                                     "password": "yorozu-demo-2026"})
    plan = client.get(f"/evaluation/plans/13/{year}/").content.decode()
    assert "紹介先からの報告の督促" in plan  # the open request, on this year's plan
    assert "専門家派遣の記録の充実" not in plan  # done: no longer carried
