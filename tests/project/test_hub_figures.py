"""One definition per hub figure (evaluation/figures.py), shown the same everywhere: the
hub page, the plan dashboard, the hearing's evidence pack and the Excel reports agree on the
same records; the evidence pack sets the accepted plan's targets against the actuals; and no
other module counts these figures on its own."""

import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from consultations.models import Case, Client, Referral
from evaluation import figures
from evaluation import services as evaluation_services
from evaluation.plans import content as plan_content
from evaluation.plans import services as plan_services
from evaluation.reports import workbooks
from evaluation.reports.jobs import HUB_MONTHLY, NATIONAL_FY
from evaluation.surveys.models import SatisfactionResponse
from tests.consultations.factories import (
    CaseFactory,
    ClientFactory,
    ReferralFactory,
    SessionFactory,
)
from tests.hubs.factories import AgencyFactory
from yorozu.jobs.models import Job
from yorozu.jobs.services import job_start

TOKYO = ZoneInfo("Asia/Tokyo")
YEAR = 2025
TODAY = datetime(2025, 10, 15, 10, 0, tzinfo=TOKYO)  # FY2025: April..October have begun
SEPTEMBER = {"year": 2025, "month": 9}


@pytest.fixture
def today():
    """Pins today; request it before `cast`, so that the cast's appointments begin then."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def _case(hub, lead, opened_on, *session_days, client=None):
    case = CaseFactory(hub=hub, lead=lead, opened_on=opened_on,
                       **({"client": client} if client else {}))
    for day in session_days:
        SessionFactory(hub=hub, case=case, held_on=day)
    return case


@pytest.fixture
def records(today, cast):
    """Tokyo's clients, each new or not by a different reading of 'new client', and referrals
    due before and after today. Every client record is made today (15 October) unless moved."""
    hub, lead = cast.hub, cast.coordinator
    # New: first session in September.
    fresh = _case(hub, lead, date(2025, 9, 2), date(2025, 9, 2), date(2025, 9, 20))
    # Not new: consulted in March (FY2024) already, back in September with a second case.
    returning = _case(hub, lead, date(2025, 3, 10), date(2025, 3, 10)).client
    _case(hub, lead, date(2025, 9, 5), date(2025, 9, 5), client=returning)
    # New: a case opened at intake in March, the first consultation held in September.
    _case(hub, lead, date(2025, 3, 25), date(2025, 9, 12))
    # Not new: cases opened in September, nobody consulted yet.
    _case(hub, lead, date(2025, 9, 8))
    _case(hub, lead, date(2025, 9, 9))
    # New: a record carried over from last year, first consulted in September.
    carried = ClientFactory(hub=hub)
    Client.objects.filter(pk=carried.pk).update(
        created_at=datetime(2024, 6, 1, 9, 0, tzinfo=TOKYO))
    _case(hub, lead, date(2025, 9, 15), date(2025, 9, 15), client=carried)
    # Another hub's new client counts for that hub only.
    _case(cast.other_hub, cast.outsider, date(2025, 9, 3), date(2025, 9, 3))

    agency = AgencyFactory(hub=hub)
    for due, status in [(date(2025, 9, 10), Referral.Status.REPORTED),
                        (date(2025, 9, 20), Referral.Status.CLOSED),
                        (date(2025, 9, 25), Referral.Status.SENT),
                        (date(2025, 9, 28), Referral.Status.LAPSED),
                        # Not yet due: not counted against the hub, answered or not.
                        (date(2025, 10, 25), Referral.Status.REPORTED)]:
        ReferralFactory(hub=hub, case=fresh, agency=agency, follow_up_due=due, status=status)
    return cast


def _run_report(kind, *, capture, **fields) -> Job:
    with capture(execute=True):
        job = job_start(kind=kind, **fields)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    with job.result.open("rb") as stored:  # through the storage, as the download reads it
        return load_workbook(io.BytesIO(stored.read()), read_only=True)


def _monthly_report(cast, capture) -> dict:
    book = _run_report(HUB_MONTHLY, hub=cast.hub, by=cast.chief, params=SEPTEMBER,
                       capture=capture)
    summary = {row[0]: row[1] for row in book["概要"].iter_rows(values_only=True)
               if row and row[0]}
    return {"new_clients": summary[workbooks.NEW_CLIENTS],
            "follow_up": round(100 * summary[workbooks.FOLLOW_UP_RATE], 1)}


def _national_report(cast, capture) -> dict:
    book = _run_report(NATIONAL_FY, by=cast.hq, params={"fiscal_year": YEAR}, capture=capture)
    rows = list(book["拠点別"].iter_rows(values_only=True))
    header, tokyo = list(rows[0]), next(r for r in rows if r[0] == cast.hub.jis_code)
    rate = tokyo[header.index("フォロー率")]
    return {"new_clients": tokyo[header.index(workbooks.NEW_CLIENTS)],
            "follow_up": round(100 * rate, 1)}


def _hearing(cast):
    guideline = evaluation_services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    evaluation_services.guideline_publish(guideline=guideline, by=cast.hq)
    return evaluation_services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR,
                                                held_on=date(2025, 10, 15), lead=cast.hq,
                                                by=cast.hq)


def _evidence(client, hearing):
    return client.get(reverse("evaluation:hearing_detail", args=[hearing.pk]))


def test_every_page_and_report_shows_the_same_new_clients_and_follow_up_rate(
        records, client, django_capture_on_commit_callbacks):
    cast = records
    hearing = _hearing(cast)
    client.force_login(cast.hq)
    hub_page = client.get(reverse("hubs:hub_detail", args=[cast.hub.jis_code]))
    dashboard = client.get(reverse("plans:plan_dashboard_hub",
                                   kwargs={"jis_code": cast.hub.jis_code}) + f"?year={YEAR}")
    panels = {p.indicator.code: p for p in dashboard.context["panels"]}
    evidence = _evidence(client, hearing).context["evidence"]

    shown = {
        "hub page": {"new_clients": hub_page.context["figures"]["new_clients"],
                     "follow_up": hub_page.context["figures"]["follow_up_rate"]},
        "plan dashboard": {"new_clients": panels["new_clients"].actual_to_date,
                           "follow_up": panels["follow_up"].actual_to_date},
        "evidence pack": {"new_clients": evidence["figures"]["new_clients"],
                          "follow_up": evidence["follow_up_rate"]},
        "monthly report": _monthly_report(cast, django_capture_on_commit_callbacks),
        "national report": _national_report(cast, django_capture_on_commit_callbacks),
    }
    # Three clients first consulted in September; 2 of the 4 referrals due by today answered.
    expected = {"new_clients": 3, "follow_up": 50.0}
    assert shown == dict.fromkeys(shown, expected)


def test_a_new_client_is_one_whose_first_session_falls_in_the_period(records):
    hub_ids = [records.hub.pk]
    september = figures.new_clients(start=date(2025, 9, 1), end=date(2025, 9, 30),
                                    hub_ids=hub_ids)
    assert september.count() == 3
    assert sorted(c.first_held_on for c in september) == [
        date(2025, 9, 2), date(2025, 9, 12), date(2025, 9, 15)]
    march = figures.new_clients(start=date(2025, 3, 1), end=date(2025, 3, 31), hub_ids=hub_ids)
    assert march.count() == 1  # the returning client, new back then
    assert figures.new_clients(start=date(2025, 9, 1), end=date(2025, 9, 30)).count() == 4


def test_the_follow_up_rate_counts_only_referrals_already_due(records, today):
    due = figures.referrals_due(start=date(2025, 4, 1), end=date(2026, 3, 31), as_of=today,
                                hub_ids=[records.hub.pk]).aggregate(**figures.follow_up_counts())
    assert due == {"due": 4, "followed": 2}
    assert figures.rate(due["followed"], due["due"]) == 50.0
    assert figures.rate(0, 0) is None


# --- The evidence pack against the plan ------------------------------------------------------
TARGETS = {"sessions": {"year": 120, "months": [10] * 12},
           "new_clients": {"year": 24, "months": [2] * 12},
           "follow_up": {"year": 80}, "expert_share": {"year": 40},
           "satisfaction": {"year": 90}}


def _plan(cast, targets):
    plan = plan_services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR, by=cast.chief)
    content = plan_content.normalize(plan.content)
    content["targets"].update(targets)
    plan = plan_services.plan_update(plan=plan, by=cast.chief, content=content,
                                     version=plan.version)
    plan_services.plan_confirm(plan=plan, by=cast.chief)
    return plan_services.plan_confirm(plan=plan, by=cast.impl_org)  # submitted


def _accepted_plan(cast, targets):
    plan = _plan(cast, targets)
    plan_services.plan_start_review(plan=plan, by=cast.bureau)
    return plan_services.plan_accept(plan=plan, by=cast.bureau)


def test_evidence_pack_sets_the_accepted_plans_targets_against_the_actuals(records, client):
    cast = records
    plan = _accepted_plan(cast, TARGETS)
    # A mid-year revision in progress does not change the yardstick: version 1 stays it.
    plan = plan_services.plan_revise(plan=plan, by=cast.chief)
    revised = plan_content.normalize(plan.content)
    revised["targets"]["sessions"] = {"year": 999, "months": [None] * 12}
    plan_services.plan_update(plan=plan, by=cast.chief, content=revised, version=plan.version)
    hearing = _hearing(cast)
    client.force_login(cast.hq)
    response = _evidence(client, hearing)
    against = response.context["evidence"]["plan"]
    assert against["accepted"] and against["version"] == 1
    rows = {row["indicator"].code: row for row in against["rows"]}
    assert (rows["sessions"]["target_year"], rows["sessions"]["actual"]) == (120, 5)
    assert (rows["new_clients"]["target_year"], rows["new_clients"]["actual"]) == (24, 3)
    assert (rows["follow_up"]["target_year"], rows["follow_up"]["actual"],
            rows["follow_up"]["achievement"]) == (80, 50.0, 62.5)
    # The same targets to date and actuals as the plan dashboard shows for the year.
    dashboard = client.get(reverse("plans:plan_dashboard_hub",
                                   kwargs={"jis_code": cast.hub.jis_code}) + f"?year={YEAR}")
    for panel in dashboard.context["panels"]:
        row = rows[panel.indicator.code]
        assert (row["target_year"], row["target_to_date"], row["actual"]) == (
            panel.target_year, panel.target_to_date, panel.actual_to_date), panel.indicator
    assert rows["sessions"]["target_to_date"] > 0
    assert rows["sessions"]["achievement"] == figures.rate(5, rows["sessions"]["target_to_date"])
    assert rows["satisfaction"]["actual"] is None  # no survey answers: nothing to set against
    assert rows["satisfaction"]["achievement"] is None
    html = response.content.decode()
    assert "No annual plan is recorded for this year yet." not in html
    section = html.split('id="evidence-heading"')[1].split("</section>")[0]
    assert "plan-targets" in section and "62.5" in section and "999" not in section


def test_evidence_pack_says_the_plan_is_not_accepted_yet(records, client):
    cast = records
    _plan(cast, TARGETS)
    hearing = _hearing(cast)
    client.force_login(cast.hq)
    response = _evidence(client, hearing)
    against = response.context["evidence"]["plan"]
    assert not against["accepted"] and against["status"] == "submitted"
    assert against["rows"] == []
    html = response.content.decode()
    assert "plan-targets" not in html
    assert "この年度の事業計画はまだ受理されていません（提出済み）" in html


def test_evidence_pack_without_a_plan_says_so(records, client):
    hearing = _hearing(records)
    client.force_login(records.hq)
    against = _evidence(client, hearing).context["evidence"]["plan"]
    assert (against["accepted"], against["status"], against["rows"]) == (False, None, [])


def test_evidence_pack_page_runs_a_fixed_number_of_queries(records, client,
                                                          django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cast = records
    _accepted_plan(cast, TARGETS)
    hearing = _hearing(cast)
    client.force_login(cast.hq)
    with CaptureQueriesContext(connection) as few:
        assert _evidence(client, hearing).status_code == 200
    for day in range(1, 29):
        case = _case(cast.hub, cast.coordinator, date(2025, 8, day), date(2025, 8, day),
                     date(2025, 9, day))
        ReferralFactory(hub=cast.hub, case=case, agency=AgencyFactory(hub=cast.hub),
                        follow_up_due=date(2025, 9, day), status=Referral.Status.REPORTED)
    with django_assert_max_num_queries(len(few)):
        assert _evidence(client, hearing).status_code == 200
    # + the top bar's unread notifications; the open improvement requests of earlier years
    # (evaluation/assessments); the self-study's narratives, documents and last year's levels.
    assert len(few) <= 28


# --- Expert share and satisfaction: the same number everywhere --------------------------------
def _answers(cast, overall_scores, on=date(2025, 9, 18)):
    for score in overall_scores:
        SatisfactionResponse.objects.create(
            hub=cast.hub, coordinator=cast.coordinator, answered_on=on, overall=score,
            understanding=score, usefulness=score, speed=score, recommend=score)


@pytest.fixture
def mixed(records):
    """Both sides of each figure: expert-proposal cases and others opened in September (the
    records' five September cases are expert proposals), satisfied answers and others."""
    cast = records
    for depth in (Case.Depth.POLICY, Case.Depth.REFERRAL, Case.Depth.POLICY):
        CaseFactory(hub=cast.hub, lead=cast.coordinator, opened_on=date(2025, 9, 22),
                    depth=depth)
    CaseFactory(hub=cast.other_hub, lead=cast.outsider, opened_on=date(2025, 9, 22),
                depth=Case.Depth.POLICY)  # another hub's case counts for that hub only
    return cast


def _shown_everywhere(cast, client, capture) -> dict:
    hearing = _hearing(cast)
    client.force_login(cast.hq)
    hub_page = client.get(reverse("hubs:hub_detail", args=[cast.hub.jis_code]))
    dashboard = client.get(reverse("plans:plan_dashboard_hub",
                                   kwargs={"jis_code": cast.hub.jis_code}) + f"?year={YEAR}")
    panels = {p.indicator.code: p for p in dashboard.context["panels"]}
    evidence = _evidence(client, hearing).context["evidence"]
    monthly = _run_report(HUB_MONTHLY, hub=cast.hub, by=cast.chief, params=SEPTEMBER,
                          capture=capture)
    summary = {row[0]: row[1] for row in monthly["概要"].iter_rows(values_only=True)
               if row and row[0]}
    national = list(_run_report(NATIONAL_FY, by=cast.hq, params={"fiscal_year": YEAR},
                                capture=capture)["拠点別"].iter_rows(values_only=True))
    header = list(national[0])
    tokyo = next(r for r in national if r[0] == cast.hub.jis_code)

    def percent(value):  # a percent cell holds a fraction
        return None if value is None else round(100 * value, 1)

    return {
        "hub page": {"expert_share": hub_page.context["figures"]["expert_share"],
                     "satisfaction": hub_page.context["figures"]["satisfaction"][
                         "share_satisfied"]},
        "plan dashboard": {"expert_share": panels["expert_share"].actual_to_date,
                           "satisfaction": panels["satisfaction"].actual_to_date},
        "evidence pack": {"expert_share": evidence["expert_share"],
                          "satisfaction": evidence["satisfaction"]["share_satisfied"]},
        "monthly report": {"expert_share": percent(summary[workbooks.EXPERT_SHARE]),
                           "satisfaction": percent(summary[workbooks.SATISFACTION_SHARE])},
        "national report": {  # a row read back ends at its last cell with a value
            "satisfaction": percent(dict(zip(header, tokyo, strict=False)).get(
                workbooks.SATISFACTION_SHARE))},
    }, hub_page.content.decode()


def test_every_page_and_report_shows_the_same_expert_share_and_satisfaction(
        mixed, client, django_capture_on_commit_callbacks):
    _answers(mixed, [5, 4, 4, 5, 4, 2, 1])  # 5 of 7 satisfied
    shown, hub_html = _shown_everywhere(mixed, client, django_capture_on_commit_callbacks)
    expected = {"expert_share": 62.5, "satisfaction": 71.4}  # 5 of 8 cases; 5 of 7 answers
    assert shown == {place: {k: expected[k] for k in figures_shown}
                     for place, figures_shown in shown.items()}
    assert "62.5%（8件）" in hub_html and "満足の割合 71.4％（回答 7 件）" in hub_html


def test_every_page_and_report_withholds_satisfaction_of_too_few_answers(
        mixed, client, django_capture_on_commit_callbacks):
    _answers(mixed, [5, 4, 2, 1])  # one fewer than the minimum
    shown, hub_html = _shown_everywhere(mixed, client, django_capture_on_commit_callbacks)
    assert {place: values["satisfaction"] for place, values in shown.items()} == dict.fromkeys(
        shown, None)
    assert shown["hub page"]["expert_share"] == 62.5
    assert "回答が5件未満のため" in hub_html


# Where each figure's raw ingredients may appear in the source: the figures module, and the
# modules that write or seed the rows (not count them). Anything else counting them defines
# the figure a second time.
ROOT = Path(__file__).resolve().parents[2]
FIGURE_MARKERS = {
    "SatisfactionResponse.objects": {"evaluation/figures.py",
                                     "evaluation/surveys/satisfaction.py",  # stores answers
                                     "evaluation/surveys/demo_satisfaction.py"},  # demo rows
    "SatisfactionResponse.SATISFIED": {"evaluation/figures.py"},
    "SATISFACTION_MIN_ANSWERS": {"evaluation/figures.py"},
    "depth=Case.Depth.EXPERT": {"evaluation/figures.py",
                                "consultations/models.py"},  # the expert sessions' index
    "depth=Case.Depth.POLICY": {"evaluation/figures.py"},
    "follow_up_due__range": {"evaluation/figures.py"},
    # Client outcomes: value added is summed, and milestones are counted, only there; the
    # expression itself is defined beside the model.
    "value_added_of(": {"evaluation/figures.py", "evaluation/outcomes/models.py"},
    "settings.OUTCOME_MIN_CLIENTS": {"evaluation/figures.py"},
    "achieved_on__range": {"evaluation/figures.py"},
}


def test_no_module_but_the_figures_module_counts_the_hub_figures():
    found = {}
    for package in ("consultations", "evaluation", "hubs", "yorozu"):
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/settings/" in relative:
                continue
            text = path.read_text(encoding="utf-8")
            for marker, allowed in FIGURE_MARKERS.items():
                if marker in text and relative not in allowed:
                    found.setdefault(marker, []).append(relative)
    assert found == {}
    assert "SatisfactionResponse.objects" in (ROOT / "evaluation/figures.py").read_text(
        encoding="utf-8")  # the markers still name what the module uses
