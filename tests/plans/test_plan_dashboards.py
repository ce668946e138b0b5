"""Plan dashboards: actuals counted per fiscal-year month (Tokyo dates) against the accepted
plan's targets, who sees which dashboard, the Excel downloads, and a fixed query count."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from consultations.models import Case, Client, Referral, Session
from evaluation.plans import actuals
from evaluation.plans.models import PlanVersion
from hubs.models import Hub
from tests import downloads
from tests.consultations.factories import (
    CaseFactory,
    ClientFactory,
    ReferralFactory,
    SessionFactory,
)
from tests.evaluation.factories import plan_with_content
from tests.hubs.factories import AgencyFactory

TOKYO = ZoneInfo("Asia/Tokyo")
YEAR = 2025
TODAY = datetime(2025, 10, 15, 10, 0, tzinfo=TOKYO)  # FY2025, October: 7 months begun
ROLES = ["anon", "coordinator", "chief", "impl_org", "bureau", "hq", "admin"]


@pytest.fixture
def today():
    """Pins today; request it before `cast`, so that the cast's appointments begin then."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def hub_url(jis_code="13", **query):
    url = reverse("plans:plan_dashboard_hub", kwargs={"jis_code": jis_code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page_url(name, **query):
    url = reverse(f"plans:plan_dashboard_{name}")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def created_on(client: Client, moment: datetime) -> Client:
    Client.objects.filter(pk=client.pk).update(created_at=moment)
    return client


def make_plan(hub, user, *, year=YEAR, draft=None, accepted=None, returned=None):
    """A plan whose working content is `draft`, with a returned version 1 (if given) and an
    accepted version 2 (if given)."""
    plan = plan_with_content(hub=hub, fiscal_year=year, content=draft)
    number = 1
    for content, outcome in ((returned, "returned"), (accepted, "accepted")):
        if content is not None:
            PlanVersion.objects.create(plan=plan, number=number, content=content,
                                       submitted_by=user, outcome=outcome)
            number += 1
    return plan


def count_targets(year_total, months):
    return {"year": year_total, "months": months}


SESSIONS_MONTHS = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]
ACCEPTED = {"targets": {"sessions": count_targets(120, SESSIONS_MONTHS),
                        "new_clients": count_targets(24, [2] * 12),
                        "follow_up": {"year": 80}, "expert_share": {"year": 40},
                        "satisfaction": {"year": 90}}}


def populate(cast, agency_here, agency_there):
    """Records of FY2025 (today 15 October) at both hubs, some outside the year."""
    lead, outsider = cast.coordinator, cast.outsider
    for day, depth in [(date(2025, 4, 3), Case.Depth.EXPERT), (date(2025, 4, 20),
                                                               Case.Depth.POLICY),
                       (date(2025, 6, 1), Case.Depth.EXPERT), (date(2025, 10, 1),
                                                               Case.Depth.REFERRAL),
                       (date(2025, 3, 31), Case.Depth.EXPERT)]:
        case = CaseFactory(hub=cast.hub, lead=lead, opened_on=day, depth=depth)
        SessionFactory(hub=cast.hub, case=case, held_on=day)
        SessionFactory(hub=cast.hub, case=case, held_on=day + timedelta(days=1))
    other_case = CaseFactory(hub=cast.other_hub, lead=outsider, opened_on=date(2025, 5, 5))
    SessionFactory(hub=cast.other_hub, case=other_case, held_on=date(2025, 5, 5))
    case = Case.objects.filter(hub=cast.hub).first()
    for due, status in [(date(2025, 4, 30), Referral.Status.REPORTED),
                        (date(2025, 4, 10), Referral.Status.SENT),
                        (date(2025, 7, 7), Referral.Status.CLOSED),
                        (date(2025, 7, 8), Referral.Status.LAPSED),
                        (date(2025, 7, 9), Referral.Status.ACTING)]:
        ReferralFactory(hub=cast.hub, case=case, agency=agency_here, follow_up_due=due,
                        status=status)
    ReferralFactory(hub=cast.other_hub, case=other_case, agency=agency_there,
                    follow_up_due=date(2025, 7, 7), status=Referral.Status.SENT)
    # Clients on record but never consulted: not new clients, whenever they were entered.
    for moment in [datetime(2025, 4, 1, 0, 10, tzinfo=TOKYO),
                   datetime(2025, 8, 31, 23, 59, tzinfo=TOKYO)]:
        created_on(ClientFactory(hub=cast.hub), moment)


def _first_session_on(client: Client):
    return (Session.objects.filter(case__client=client).order_by("held_on")
            .values_list("held_on", flat=True).first())


def direct_counts(hub_ids, year):
    """The same figures the slow way, one filtered count per month."""
    starts = actuals.month_starts(year) + [date(year + 1, 4, 1)]
    sessions, clients, follow, expert = [], [], [], []
    for start, end in zip(starts, starts[1:], strict=False):
        last = end - timedelta(days=1)
        sessions.append(Session.objects.filter(hub__in=hub_ids,
                                               held_on__range=(start, last)).count())
        clients.append(sum(1 for c in Client.objects.filter(hub__in=hub_ids)
                           if start <= (_first_session_on(c) or date.max) <= last))
        due = Referral.objects.filter(hub__in=hub_ids, follow_up_due__range=(start, last))
        done = due.filter(status__in=["reported", "closed"]).count()
        follow.append(round(100 * done / due.count(), 1) if due.count() else None)
        opened = Case.objects.filter(hub__in=hub_ids, opened_on__range=(start, last))
        n_expert = opened.filter(depth="expert").count()
        expert.append(round(100 * n_expert / opened.count(), 1) if opened.count() else None)
    return {"sessions": sessions, "new_clients": clients, "follow_up": follow,
            "expert_share": expert}


# --- Actuals ---------------------------------------------------------------------------------
def test_monthly_actuals_equal_a_direct_count_per_month(today, cast):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    figures = actuals.monthly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)
    expected = direct_counts([cast.hub.pk], YEAR)
    for code, values in expected.items():
        assert figures[code][:7] == values[:7], code
        assert figures[code][7:] == [None] * 5, code  # November..March have not begun
    # April: 3 and 4 April, 20 and 21 April, and 1 April (a case opened on 31 March)
    assert figures["sessions"][:7] == [5, 0, 2, 0, 0, 0, 2]
    # First sessions: 3 and 20 April, 1 June, 1 October (31 March's client is FY2024's)
    assert figures["new_clients"][:7] == [2, 0, 1, 0, 0, 0, 1]
    assert figures["follow_up"][:7] == [50.0, None, None, 33.3, None, None, None]
    assert figures["expert_share"][:7] == [50.0, None, 100.0, None, None, None, 0.0]
    assert figures["satisfaction"] == [None] * 12  # no survey answers in populate()


def test_every_hub_is_the_sum_of_both_hubs(today, cast):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    everywhere = actuals.monthly(hub_ids=None, fiscal_year=YEAR)
    both = direct_counts(list(Hub.objects.values_list("pk", flat=True)), YEAR)
    assert everywhere["sessions"][:7] == both["sessions"][:7] == [5, 1, 2, 0, 0, 0, 2]
    assert everywhere["follow_up"][:7] == both["follow_up"][:7]


def test_yearly_totals_counts_and_rates_over_the_year_not_averages_of_months(today, cast):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    year = actuals.yearly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)
    # 9 sessions in April-October (the one of 31 March belongs to FY2024)
    assert year["sessions"] == Session.objects.filter(
        hub=cast.hub, held_on__range=(date(2025, 4, 1), date(2026, 3, 31))).count() == 9
    assert year["new_clients"] == 4  # first consulted in the year; never by creation date
    assert year["follow_up"] == 40.0  # 2 of 5 referrals due; the monthly mean would be 41.7
    assert year["expert_share"] == 50.0  # 2 of 4 cases opened
    assert year["satisfaction"] is None  # no survey answers: nothing to rate
    assert actuals.yearly(hub_ids=[], fiscal_year=YEAR)["sessions"] == 0


def _answer(hub, user, day, overall):
    from evaluation.surveys.models import SatisfactionResponse

    SatisfactionResponse.objects.create(hub=hub, coordinator=user, answered_on=day,
                                        overall=overall, understanding=3, usefulness=3,
                                        speed=3, recommend=3)


def test_satisfaction_is_the_share_of_answers_satisfied_overall(today, cast, settings):
    from evaluation.surveys.models import SatisfactionResponse

    settings.SATISFACTION_MIN_ANSWERS = 1  # the arithmetic; the minimum is tested below

    def answer(hub, user, day, overall):
        SatisfactionResponse.objects.create(
            hub=hub, coordinator=user, answered_on=day, overall=overall, understanding=3,
            usefulness=3, speed=3, recommend=3)

    for day, overall in [(date(2025, 4, 2), 5), (date(2025, 4, 30), 3), (date(2025, 4, 9), 4),
                         (date(2025, 6, 1), 2), (date(2025, 3, 31), 5)]:
        answer(cast.hub, cast.coordinator, day, overall)
    answer(cast.other_hub, cast.outsider, date(2025, 4, 3), 1)
    figures = actuals.monthly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)
    year = actuals.yearly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)
    counted = SatisfactionResponse.objects.filter(
        hub=cast.hub, answered_on__range=(date(2025, 4, 1), date(2026, 3, 31)))
    assert year["satisfaction"] == round(
        100 * counted.filter(overall__gte=4).count() / counted.count(), 1) == 50.0
    assert figures["satisfaction"] == [66.7, None, 0.0, None, None, None, None] + [None] * 5
    both = actuals.monthly(hub_ids=None, fiscal_year=YEAR)["satisfaction"]
    assert both[0] == 50.0  # 2 of 4 in April at both hubs


def test_satisfaction_is_withheld_for_months_with_too_few_answers(today, cast, settings):
    settings.SATISFACTION_MIN_ANSWERS = 3
    for overall in (5, 4, 1):
        _answer(cast.hub, cast.coordinator, date(2025, 4, 10), overall)
    _answer(cast.hub, cast.coordinator, date(2025, 5, 10), 5)  # one answer: would show it
    for overall in (5, 5, 2, 2):
        _answer(cast.hub, cast.coordinator, date(2025, 6, 10), overall)
    figures = actuals.monthly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)["satisfaction"]
    # May alone is too few; the year minus April and June would still give May away, so the
    # smallest shown month (April) is withheld too.
    assert figures[:3] == [None, None, 50.0]
    assert actuals.yearly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)["satisfaction"] == 62.5


def test_fiscal_year_boundary_is_exact_on_tokyo_dates(cast):
    with time_machine.travel(datetime(2026, 5, 10, 12, 0, tzinfo=TOKYO), tick=False):
        lead = cast.coordinator
        SessionFactory(hub=cast.hub, case__lead=lead, held_on=date(2025, 3, 31))
        SessionFactory(hub=cast.hub, case__lead=lead, held_on=date(2025, 4, 1))
        SessionFactory(hub=cast.hub, case__lead=lead, held_on=date(2026, 3, 31))
        SessionFactory(hub=cast.hub, case__lead=lead, held_on=date(2026, 4, 1))
        # Entered around midnight but never consulted: not new in either year.
        created_on(ClientFactory(hub=cast.hub), datetime(2026, 3, 31, 23, 30, tzinfo=TOKYO))
        created_on(ClientFactory(hub=cast.hub), datetime(2026, 4, 1, 0, 30, tzinfo=TOKYO))
        ids = [cast.hub.pk]
        fy2024 = actuals.monthly(hub_ids=ids, fiscal_year=2024)
        fy2025 = actuals.monthly(hub_ids=ids, fiscal_year=2025)
        fy2026 = actuals.monthly(hub_ids=ids, fiscal_year=2026)
    assert fy2024["sessions"][11] == 1  # 31 March 2025
    assert fy2025["sessions"][0] == 1 and fy2025["sessions"][11] == 1
    assert fy2026["sessions"][0] == 1  # 1 April 2026
    # Each session is its client's first: the client is new in the month of that date.
    assert fy2024["new_clients"][11] == 1
    assert fy2025["new_clients"][0] == 1 and fy2025["new_clients"][11] == 1
    assert fy2026["new_clients"][:2] == [1, 0]  # May, when all were entered: none


def test_months_after_today_are_none_and_a_future_year_is_empty(cast):
    with time_machine.travel(datetime(2025, 6, 30, 23, 0, tzinfo=TOKYO), tick=False):
        SessionFactory(hub=cast.hub, case__lead=cast.coordinator, held_on=date(2025, 6, 30))
        figures = actuals.monthly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)
        future = actuals.yearly(hub_ids=None, fiscal_year=YEAR + 1)
    assert figures["sessions"] == [0, 0, 1] + [None] * 9
    assert figures["new_clients"][3:] == [None] * 9
    assert future == {"sessions": None, "new_clients": None, "satisfaction": None,
                      "follow_up": None, "expert_share": None}


def test_referrals_not_yet_due_are_not_counted(today, cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    agency = AgencyFactory(hub=cast.hub)
    ReferralFactory(hub=cast.hub, case=case, agency=agency, follow_up_due=today,
                    status=Referral.Status.REPORTED)
    ReferralFactory(hub=cast.hub, case=case, agency=agency,
                    follow_up_due=today + timedelta(days=3))
    assert actuals.yearly(hub_ids=[cast.hub.pk], fiscal_year=YEAR)["follow_up"] == 100.0


def test_targets_are_read_defensively():
    found = actuals.targets({"targets": {
        "sessions": {"year": None, "months": [5, None, 5, "x", 5, 5, 5, 5, 5, 5, 5, True]},
        "new_clients": {"year": -3, "months": [1, 2]},
        "follow_up": {"year": 75.5},
        "expert_share": "oops",
        "unknown": {"year": 1}}})
    assert found["sessions"] == {"year": 45, "months": [5, None, 5, None] + [5] * 7 + [None]}
    assert found["new_clients"] == {"year": None, "months": [None] * 12}
    assert found["follow_up"] == {"year": 75.5, "months": [None] * 12}
    assert found["expert_share"]["year"] is None
    assert set(found) == {"sessions", "new_clients", "satisfaction", "follow_up",
                          "expert_share"}
    assert actuals.targets(None)["sessions"]["year"] is None
    assert actuals.targets({"targets": []})["sessions"]["year"] is None


def test_hub_targets_use_the_highest_accepted_version_else_the_draft(cast):
    make_plan(cast.hub, cast.chief, draft={"targets": {"sessions": {"year": 1}}},
              returned={"targets": {"sessions": {"year": 2}}},
              accepted={"targets": {"sessions": {"year": 3}}})
    make_plan(cast.other_hub, cast.outsider, draft={"targets": {"sessions": {"year": 9}}})
    found = actuals.hub_targets(hub_ids=None, fiscal_year=YEAR)
    assert found[cast.hub.pk].accepted and found[cast.hub.pk].version == 2
    assert found[cast.hub.pk].targets["sessions"]["year"] == 3
    assert not found[cast.other_hub.pk].accepted
    assert found[cast.other_hub.pk].targets["sessions"]["year"] == 9
    assert actuals.hub_targets(hub_ids=[cast.hub.pk], fiscal_year=YEAR + 1) == {}


# --- Who sees what ---------------------------------------------------------------------------
def _users(cast):
    return {"anon": None, **cast.by_role()}


EXPECTED = {
    ("hub", "own"): "L 200 200 200 200 200 404",
    ("hub", "other"): "L 404 404 404 404 200 404",
    ("bureau", None): "L 403 403 403 200 200 403",
    ("national", None): "L 403 403 403 403 200 403",
}


@pytest.mark.parametrize(("page", "which"), list(EXPECTED), ids=lambda v: str(v))
def test_each_role_gets_the_expected_outcome(client, cast, page, which):
    url = hub_url("13" if which == "own" else "04") if page == "hub" else page_url(page)
    outcomes = []
    for role in ROLES:
        client.logout()
        user = _users(cast)[role]
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        if response.status_code == 302 and "/accounts/login/" in response["Location"]:
            outcomes.append("L")
        else:
            outcomes.append(str(response.status_code))
    assert " ".join(outcomes) == EXPECTED[(page, which)]


def test_another_hubs_dashboard_is_404_for_a_hub_user(client, cast):
    client.force_login(cast.coordinator)
    assert client.get(hub_url("04")).status_code == 404
    assert client.get(hub_url("13", format="xlsx")).status_code == 200
    assert client.get(hub_url("04", format="xlsx")).status_code == 404


def test_a_bad_year_is_404(client, cast):
    client.force_login(cast.coordinator)
    assert client.get(hub_url(year="abc")).status_code == 404
    assert client.get(hub_url(year="99999")).status_code == 404


# --- The hub's dashboard ---------------------------------------------------------------------
def test_hub_dashboard_shows_accepted_targets_against_actuals(today, client, cast):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    make_plan(cast.hub, cast.chief, draft={"targets": {"sessions": {"year": 999}}},
              accepted=ACCEPTED)
    client.force_login(cast.coordinator)
    response = client.get(hub_url(year=YEAR))
    assert response.status_code == 200
    sessions = next(p for p in response.context["panels"] if p.indicator.code == "sessions")
    assert sessions.target_year == 120
    assert sessions.target_to_date == 65  # April..September, 10 a month, + 10 × 15/31
    assert sessions.actual_to_date == 9
    assert [m[2] for m in sessions.months][:7] == [5, 0, 2, 0, 0, 0, 2]
    assert sessions.chart["actual"] == [5, 0, 2, 0, 0, 0, 2] + [None] * 5
    assert sessions.chart["target"] == SESSIONS_MONTHS
    follow = next(p for p in response.context["panels"] if p.indicator.code == "follow_up")
    assert follow.chart["target"] == [80] * 12 and follow.actual_to_date == 40.0
    html = response.content.decode()
    assert 'id="chart-sessions" type="application/json"' in html
    assert 'role="img"' in html and 'data-chart-source="chart-sessions"' in html
    assert "<caption>" in html and 'scope="row"' in html and 'scope="col"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/plan_charts.js" in html
    assert "<script>" not in html  # the CSP forbids inline scripts
    assert response.context["plan_state"] == "accepted"


def test_hub_dashboard_labels_draft_targets_as_not_yet_accepted(today, client, cast):
    make_plan(cast.hub, cast.chief, draft={"targets": {"sessions": {"year": 50}}},
              returned={"targets": {"sessions": {"year": 40}}})
    client.force_login(cast.chief)
    response = client.get(hub_url(year=YEAR))
    assert response.context["plan_state"] == "draft"
    assert response.context["panels"][0].target_year == 50
    assert "alert-warning" in response.content.decode()


def test_hub_dashboard_without_a_plan_shows_actuals_only(today, client, cast):
    SessionFactory(hub=cast.hub, case__lead=cast.coordinator, held_on=date(2025, 5, 1))
    client.force_login(cast.impl_org)
    response = client.get(hub_url(year=YEAR))
    assert response.context["plan_state"] == "none"
    panel = response.context["panels"][0]
    assert panel.target_year is None and panel.actual_to_date == 1


def test_chart_scripts_are_served_from_our_own_origin(client, cast):
    from django.templatetags.static import static

    client.force_login(cast.coordinator)
    for name in ["vendor/chartjs/chart.umd.min.js", "js/plan_charts.js"]:
        response = client.get(static(name))
        assert response.status_code == 200, name


# --- Bureau and national ---------------------------------------------------------------------
def test_bureau_sees_only_its_hubs(today, client, cast):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    make_plan(cast.hub, cast.chief, accepted=ACCEPTED)
    client.force_login(cast.bureau)
    response = client.get(page_url("bureau", year=YEAR))
    assert response.status_code == 200
    rows = {row.jis_code: row for section in response.context["sections"]
            for row in section.rows}
    kanto = set(Hub.objects.filter(bureau=cast.hub.bureau).values_list("jis_code", flat=True))
    assert set(rows) == kanto and "04" not in rows
    tokyo = {i.code: (target, actual) for i, target, actual in rows["13"].cells}
    assert tokyo["sessions"] == (120, 9) and tokyo["follow_up"] == (80, 40.0)
    assert rows["13"].plan_state == "accepted" and rows["14"].plan_state == "none"
    assert "宮城" not in response.content.decode()


def test_hq_sees_every_hub_grouped_by_bureau(today, client, cast):
    client.force_login(cast.hq)
    response = client.get(page_url("bureau", year=YEAR))
    sections = response.context["sections"]
    assert sum(len(section.rows) for section in sections) == Hub.objects.count()
    assert len(sections) == Hub.objects.values("bureau").distinct().count()


def test_national_sums_accepted_targets_and_every_hubs_actuals(today, client, cast):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    make_plan(cast.hub, cast.chief, accepted=ACCEPTED)
    make_plan(cast.other_hub, cast.outsider, accepted={"targets": {
        "sessions": count_targets(60, [5] * 12), "follow_up": {"year": 60}}})
    make_plan(Hub.objects.get(jis_code="14"), cast.chief,
              draft={"targets": {"sessions": {"year": 1000}}})  # not accepted: left out
    client.force_login(cast.hq)
    response = client.get(page_url("national", year=YEAR))
    assert response.status_code == 200
    panels = {p.indicator.code: p for p in response.context["panels"]}
    assert panels["sessions"].target_year == 180
    assert panels["sessions"].chart["target"] == [15] * 12
    assert panels["sessions"].actual_to_date == 10
    assert panels["follow_up"].target_year == 70.0  # the average of 80 and 60
    assert panels["follow_up"].actual_to_date == round(100 * 2 / 6, 1)
    assert response.context["accepted_count"] == 2
    bureaus = {row.name: row for row in response.context["bureau_rows"]}
    kanto = bureaus[cast.hub.bureau.name]
    assert (kanto.accepted_plans, kanto.hubs) == (1, Hub.objects.filter(
        bureau=cast.hub.bureau).count())
    assert dict((i.code, (t, a)) for i, t, a in kanto.cells)["sessions"] == (120, 9)


# --- Excel -----------------------------------------------------------------------------------
def _sheet_rows(response, sheet=None):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
    width = len(rows[0])  # empty cells at the end of a row are not stored
    return [row + [None] * (width - len(row)) for row in rows]


def test_hub_excel_has_japanese_headers_and_the_same_numbers(today, client, cast):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    make_plan(cast.hub, cast.chief, accepted=ACCEPTED)
    client.force_login(cast.coordinator)
    response = client.get(hub_url(year=YEAR, format="xlsx"))
    assert "%E6%9D%B1%E4%BA%AC" in response["Content-Disposition"]  # 東京, RFC 5987
    rows = _sheet_rows(response)
    assert rows[0] == ["指標", "単位", "期間", "目標", "実績"]
    sessions = [r for r in rows[1:] if r[0] == "相談対応件数"]
    assert sessions[0] == ["相談対応件数", "件数", "2025年4月", 10, 5]
    assert [r[4] for r in sessions[:12]] == [5, 0, 2, 0, 0, 0, 2] + [None] * 5
    assert sessions[12] == ["相談対応件数", "件数", "今日までの累計（当月分は日割り）", 65, 9]
    assert sessions[13] == ["相談対応件数", "件数", "年間目標", 120, None]
    follow = [r for r in rows[1:] if r[0] == "紹介後のフォローアップ率"]
    assert follow[12] == ["紹介後のフォローアップ率", "％", "今日までの率", 80, 40.0]
    page = client.get(hub_url(year=YEAR))
    panel = page.context["panels"][0]
    assert [r[3:] for r in sessions[:12]] == [[t, a] for _label, t, a in panel.months]


def test_bureau_and_national_excel_have_japanese_headers(today, client, cast):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    make_plan(cast.hub, cast.chief, accepted=ACCEPTED)
    client.force_login(cast.bureau)
    rows = _sheet_rows(client.get(page_url("bureau", year=YEAR, format="xlsx")))
    assert rows[0][:5] == ["経済産業局", "拠点", "計画", "相談対応件数 年間目標",
                           "相談対応件数 今日までの実績"]
    tokyo = next(r for r in rows if r[1] == "東京都")
    assert tokyo[2] == "受理済み" and tokyo[3:5] == [120, 9]
    assert not any(r[1] == "宮城県" for r in rows)
    months = _sheet_rows(client.get(page_url("bureau", year=YEAR, format="xlsx")),
                         "経済産業局別の月次")
    assert months[0] == ["経済産業局", "指標", "単位", "期間", "目標", "実績"]
    assert [cast.hub.bureau.name_ja, "相談対応件数", "件数", "2025年4月", 10, 5] in months
    client.force_login(cast.hq)
    response = client.get(page_url("national", year=YEAR, format="xlsx"))
    national = _sheet_rows(response, "全国")
    assert national[0] == ["指標", "単位", "期間", "目標", "実績"]
    # Only Tokyo has an accepted plan: Miyagi's session is not set against Tokyo's target.
    assert ["相談対応件数", "件数", "今日までの累計（当月分は日割り）", 65, 9] in national
    counted = _sheet_rows(response, "集計対象の拠点")
    assert ["全国", "東京都", "受理済み", "含む"] in counted
    assert ["全国", "宮城県", "計画なし", "含まない"] in counted
    by_bureau = _sheet_rows(response, "経済産業局別")
    assert by_bureau[0][:3] == ["経済産業局", "経済産業局", "受理済み計画／拠点数"]
    assert client.get(page_url("national", format="xlsx")).status_code == 200
    client.force_login(cast.bureau)
    assert client.get(page_url("national", format="xlsx")).status_code == 403


# --- Like with like: targets and actuals over the same hubs -----------------------------------
def _three_hubs(cast):
    """Tokyo and Miyagi with accepted plans; Kanagawa (Tokyo's bureau) with a draft only, and
    a session of its own that must not count against the accepted targets."""
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    kanagawa = Hub.objects.get(jis_code="14")
    SessionFactory(hub=kanagawa, case__lead=cast.outsider, held_on=date(2025, 6, 2))
    make_plan(cast.hub, cast.chief, accepted=ACCEPTED)
    make_plan(cast.other_hub, cast.outsider, accepted={"targets": {
        "sessions": count_targets(60, [5] * 12), "follow_up": {"year": 60}}})
    make_plan(kanagawa, cast.chief, draft={"targets": {"sessions": {"year": 1000}}})
    return kanagawa


def test_national_counts_actuals_only_of_hubs_with_an_accepted_plan(today, client, cast):
    _three_hubs(cast)
    client.force_login(cast.hq)
    response = client.get(page_url("national", year=YEAR))
    panels = {p.indicator.code: p for p in response.context["panels"]}
    assert panels["sessions"].target_year == 180
    assert panels["sessions"].actual_to_date == 10  # Tokyo 9 + Miyagi 1; not Kanagawa's
    assert panels["sessions"].months[2][2] == 2  # June: Tokyo's two, not Kanagawa's
    coverage = response.context["coverage"]
    assert [h.jis_code for h in coverage.counted] == ["04", "13"]
    missing = {h.jis_code: state for h, state in coverage.missing}
    assert missing["14"] == "draft" and missing["11"] == "none" and "13" not in missing
    html = response.content.decode()
    counted = html.split('id="hubs-counted"')[1].split("</dd>")[0]
    assert "東京都" in counted and "宮城県" in counted and "神奈川県" not in counted
    not_counted = html.split('id="hubs-not-counted"')[1].split("</dd>")[0]
    assert "神奈川県" in not_counted and "東京都" not in not_counted


def test_a_bureaus_figures_count_only_its_hubs_with_an_accepted_plan(today, client, cast):
    _three_hubs(cast)
    client.force_login(cast.hq)
    response = client.get(page_url("national", year=YEAR))
    kanto = next(r for r in response.context["bureau_rows"] if r.name == cast.hub.bureau.name)
    assert dict((i.code, (t, a)) for i, t, a in kanto.cells)["sessions"] == (120, 9)
    client.force_login(cast.bureau)
    response = client.get(page_url("bureau", year=YEAR))
    (section,) = response.context["sections"]
    assert [h.jis_code for h in section.coverage.counted] == ["13"]
    assert "14" in {h.jis_code for h, _state in section.coverage.missing}
    sessions = next(p for p in section.panels if p.indicator.code == "sessions")
    assert sessions.target_year == 120 and sessions.actual_to_date == 9
    html = response.content.decode()
    counted = html.split(f'id="hubs-counted-{section.bureau.pk}"')[1].split("</dd>")[0]
    assert "東京都" in counted and "神奈川県" not in counted
    not_counted = html.split(f'id="hubs-not-counted-{section.bureau.pk}"')[1].split("</dd>")[0]
    assert "神奈川県" in not_counted


def test_with_no_accepted_plan_there_is_no_figure_to_compare(today, client, cast):
    SessionFactory(hub=cast.hub, case__lead=cast.coordinator, held_on=date(2025, 5, 1))
    client.force_login(cast.hq)
    response = client.get(page_url("national", year=YEAR))
    sessions = response.context["panels"][0]
    assert sessions.target_year is None and sessions.actual_to_date is None
    assert sessions.chart["actual"] == [None] * 12


# --- Target to date ------------------------------------------------------------------------
@pytest.fixture
def first_of_november():
    with time_machine.travel(datetime(2025, 11, 1, 9, 0, tzinfo=TOKYO), tick=False):
        yield


def test_target_to_date_prorates_the_current_month_on_its_first_day(first_of_november,
                                                                     client, cast):
    make_plan(cast.hub, cast.chief, accepted=ACCEPTED)
    client.force_login(cast.coordinator)
    response = client.get(hub_url(year=YEAR))
    sessions = response.context["panels"][0]
    assert sessions.target_to_date == 70  # April..October, 10 a month, + 1/30 of November
    assert "当月分は日割り" in response.content.decode()


def test_target_to_date_is_the_months_ended_plus_the_share_of_this_month():
    target = count_targets(120, SESSIONS_MONTHS)
    elapsed = actuals.months_elapsed(YEAR, date(2025, 10, 15))
    assert elapsed == pytest.approx(6 + 15 / 31)
    assert actuals.target_to_date("sessions", target, elapsed) == 65  # 60 + 10 × 15/31
    assert actuals.months_elapsed(YEAR, date(2025, 4, 1)) == pytest.approx(1 / 30)
    assert actuals.months_elapsed(YEAR, date(2026, 3, 31)) == 12
    assert actuals.months_elapsed(YEAR, date(2027, 1, 1)) == 12
    assert actuals.months_elapsed(YEAR, date(2025, 3, 31)) == 0
    assert actuals.target_to_date("sessions", target, 12.0) == 120
    assert actuals.target_to_date("sessions", target, 0.0) == 0  # the year has not begun
    gap = count_targets(None, [10] * 6 + [None] * 6)
    assert actuals.target_to_date("sessions", gap, elapsed) is None  # October's is not set
    assert actuals.target_to_date("sessions", gap, 6.0) == 60
    assert actuals.target_to_date("follow_up", {"year": 80, "months": [None] * 12},
                                  elapsed) == 80


# --- The bureau's charts -------------------------------------------------------------------
def test_bureau_dashboard_draws_a_chart_with_its_table(today, client, cast):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    make_plan(cast.hub, cast.chief, accepted=ACCEPTED)
    client.force_login(cast.bureau)
    response = client.get(page_url("bureau", year=YEAR))
    html = response.content.decode()
    (section,) = response.context["sections"]
    sessions = next(p for p in section.panels if p.indicator.code == "sessions")
    dom_id = sessions.dom_id
    assert f'data-chart-source="{dom_id}"' in html and 'role="img"' in html
    assert f'id="{dom_id}" type="application/json"' in html
    assert sessions.chart["actual"] == [5, 0, 2, 0, 0, 0, 2] + [None] * 5
    assert sessions.chart["target"] == SESSIONS_MONTHS
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/plan_charts.js" in html
    assert f'id="{dom_id}-title"' in html and "<caption>" in html
    assert "<script>" not in html


# --- Every format ------------------------------------------------------------------------------
@pytest.mark.parametrize("chosen", ["xlsx", "csv-cp932", "csv-utf8"])
def test_hub_dashboard_downloads_the_same_rows_in_every_format(today, client, cast, chosen):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    make_plan(cast.hub, cast.chief, accepted=ACCEPTED)
    client.force_login(cast.coordinator)

    response = client.get(hub_url(year=YEAR, format=chosen))

    if chosen == "xlsx":
        sheet = downloads.workbook(response.content).worksheets[0]
        downloads.assert_finished_table(sheet)
        rows = downloads.sheet_rows(sheet)
        assert sheet.cell(row=2, column=4).data_type == "n"  # the target, a number
        assert ["相談対応件数", "件数", "2025年4月", 10, 5] in rows
        assert ["紹介後のフォローアップ率", "％", "今日までの率", 80, 40.0] in rows
        return
    assert response["Content-Type"].startswith("text/csv")
    rows = downloads.csv_rows(response.content, chosen)
    assert rows[0] == ["指標", "単位", "期間", "目標", "実績"]
    assert ["相談対応件数", "件数", "2025年4月", "10", "5"] in rows
    assert ["紹介後のフォローアップ率", "％", "今日までの率", "80", "40.0"] in rows


@pytest.mark.parametrize("chosen", ["xlsx", "csv-cp932"])
def test_bureau_dashboard_downloads_its_three_tables(today, client, cast, chosen):
    populate(cast, AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub))
    make_plan(cast.hub, cast.chief, accepted=ACCEPTED)
    client.force_login(cast.bureau)

    response = client.get(page_url("bureau", year=YEAR, format=chosen))

    if chosen == "xlsx":
        book = downloads.workbook(response.content)
        assert book.sheetnames == ["拠点別", "経済産業局別の月次", "集計対象の拠点"]
        downloads.assert_finished_table(book["拠点別"], freeze="D2")  # names stay in view
        downloads.assert_finished_table(book["経済産業局別の月次"])
        return
    assert response["Content-Type"] == "application/zip"
    tables = downloads.zip_tables(response.content, chosen)
    assert list(tables) == ["1_拠点別.csv", "2_経済産業局別の月次.csv", "3_集計対象の拠点.csv"]
    tokyo = next(r for r in tables["1_拠点別.csv"] if r[1] == "東京都")
    assert tokyo[2:5] == ["受理済み", "120", "9"]
