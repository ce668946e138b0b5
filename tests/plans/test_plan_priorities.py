"""Measurable priority areas (重点分野): each priority of an annual plan has a measure and a
numeric target for the year; the plan is submitted only with both; frozen versions keep
them and versions frozen before them still read and compare; the dashboards set each area's
target against its actual to date; plans/attainment.py is the one definition of how far a
hub meets its accepted plan."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import Topic
from evaluation.outcomes.models import FinancialSnapshot, Milestone
from evaluation.plans import attainment, measures, selectors, services
from evaluation.plans import content as plan_content
from evaluation.plans.models import AnnualPlan, PlanPriority, PlanVersion
from evaluation.plans.permissions import VIEW_PLAN
from hubs import rls
from hubs.access import authorise
from hubs.models import Hub
from tests import downloads
from tests.consultations.factories import CaseFactory, ClientFactory, SessionFactory
from tests.evaluation.factories import plan_with_content

TOKYO = ZoneInfo("Asia/Tokyo")
YEAR = 2025
TODAY = datetime(2025, 10, 15, 10, 0, tzinfo=TOKYO)  # FY2025: April..October have begun
# 15 October: six months ended and 15 of October's 31 days (actuals.months_elapsed).
ELAPSED = 6 + 15 / 31
NONE = {"description": "", "topics": [], "milestone_kind": ""}


@pytest.fixture
def today():
    """Pins today; request it before `cast`, so that the cast's appointments begin then."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def priority(title, measure="", target=None, **fields):
    return {**NONE, "title": title, "measure": measure, "target": target, **fields}


TOPIC_AREA = priority("創業・事業承継", "topic_sessions", 40, topics=["startup", "succession"],
                      description="創業と承継の相談を増やす。")
MILESTONE_AREA = priority("創業の実現", "milestones", 12, milestone_kind="startup")
IMPROVED_AREA = priority("収益改善", "value_added_improved", 60)
CHANGE_AREA = priority("生産性向上", "value_added_change", 5)
AREAS = [TOPIC_AREA, MILESTONE_AREA, IMPROVED_AREA, CHANGE_AREA]
TARGETS = {"sessions": {"year": 120, "months": [10] * 12},
           "new_clients": {"year": 24, "months": [2] * 12},
           "follow_up": {"year": 80}, "expert_share": {"year": 40},
           "satisfaction": {"year": 90}}


def _topics(*codes):
    return list(Topic.objects.filter(code__in=codes))


def _case(hub, lead, topics, *days):
    case = CaseFactory(hub=hub, lead=lead, opened_on=days[0], topics=_topics(*topics))
    for day in days:
        SessionFactory(hub=hub, case=case, held_on=day)
    return case


def topic_records(cast):
    """Sessions of FY2025 to date on the chosen topics (startup, succession) and beside
    them. Counted by hand, per chosen topic (a session counts once for each chosen topic of
    its case, as the topic tally counts it):
      startup:    A 3 sessions (May, September, 10 October) + D 1 = 4
      succession: B 1 + D 1 = 2                                     -> 6 in all."""
    hub, lead = cast.hub, cast.coordinator
    _case(hub, lead, ["startup"], date(2025, 5, 10), date(2025, 9, 1), date(2025, 10, 10))  # A
    _case(hub, lead, ["succession", "sales"], date(2025, 6, 1))  # B
    _case(hub, lead, ["sales"], date(2025, 7, 1))  # C: no chosen topic
    _case(hub, lead, ["startup", "succession"], date(2025, 8, 1))  # D: both topics
    _case(hub, lead, ["startup"], date(2025, 3, 20))  # E: FY2024
    _case(cast.other_hub, cast.outsider, ["startup"], date(2025, 9, 2))  # F: another hub


def _milestone(hub, case, kind, day, *, confirmed=True):
    return Milestone.objects.create(
        hub=hub, client=case.client, case=case, kind=kind, achieved_on=day,
        description="開業した。", confirmed_on=day if confirmed else None,
        confirmation=Milestone.Confirmation.DOCUMENT if confirmed else "")


def milestone_records(cast):
    """Two startups achieved and confirmed in FY2025 at the hub; one not yet confirmed, one
    of another kind, one in FY2024 and one at another hub count for nothing."""
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, opened_on=date(2025, 5, 1))
    _milestone(cast.hub, case, Milestone.Kind.STARTUP, date(2025, 6, 1))
    _milestone(cast.hub, case, Milestone.Kind.STARTUP, date(2025, 9, 30))
    _milestone(cast.hub, case, Milestone.Kind.STARTUP, date(2025, 10, 1), confirmed=False)
    _milestone(cast.hub, case, Milestone.Kind.FINANCING, date(2025, 7, 1))
    _milestone(cast.hub, case, Milestone.Kind.STARTUP, date(2025, 3, 1))
    there = CaseFactory(hub=cast.other_hub, lead=cast.outsider, opened_on=date(2025, 5, 1))
    _milestone(cast.other_hub, there, Milestone.Kind.STARTUP, date(2025, 6, 1))


def value_added_records(cast):
    """Five clients first consulted on 1 June 2024 (inside FY2025's window of three years),
    each with its figures for the period before (value added 1,000) and the one after:
    1,100, 1,100, 1,000, 900, 1,000. Two of five grew (40%); the sum rose from 5,000 to
    5,100 (+2.0%)."""
    for latest in (1100, 1100, 1000, 900, 1000):
        client = ClientFactory(hub=cast.hub)
        case = CaseFactory(hub=cast.hub, client=client, lead=cast.coordinator,
                           opened_on=date(2024, 6, 1))
        SessionFactory(hub=cast.hub, case=case, held_on=date(2024, 6, 1))
        for period_end, value_added in ((date(2024, 3, 31), 1000), (date(2025, 3, 31),
                                                                    latest)):
            FinancialSnapshot.objects.create(
                hub=cast.hub, client=client, period_end=period_end, sales=10_000,
                operating_profit=value_added - 600, personnel_costs=500, depreciation=100)


def accepted_plan(hub, user, priorities, targets=None, *, year=YEAR):
    content = {"targets": targets or {}, "priorities": priorities}
    plan = plan_with_content(hub=hub, fiscal_year=year, content=content)
    PlanVersion.objects.create(plan=plan, number=1, content=plan_content.normalize(content),
                               submitted_by=user, outcome="accepted")
    AnnualPlan.objects.filter(pk=plan.pk).update(status=AnnualPlan.Status.ACCEPTED)
    return plan


def hub_url(jis_code="13", **query):
    url = reverse("plans:plan_dashboard_hub", kwargs={"jis_code": jis_code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def plan_url(name, hub, year=YEAR):
    return reverse(f"plans:{name}", args=[hub.jis_code, year])


# --- The measures' actuals ---------------------------------------------------------------------
def test_sessions_on_the_chosen_topics_equal_a_hand_count(today, cast):
    topic_records(cast)
    found = measures.actuals(hub_priorities={cast.hub.pk: [TOPIC_AREA]}, fiscal_year=YEAR)
    assert found == {cast.hub.pk: [4 + 2]}  # startup 4, succession 2 (see topic_records)
    only_startup = priority("創業", "topic_sessions", 10, topics=["startup"])
    assert measures.actuals(hub_priorities={cast.other_hub.pk: [only_startup]},
                            fiscal_year=YEAR) == {cast.other_hub.pk: [1]}


def test_milestones_count_the_confirmed_ones_of_the_kind_in_the_year(today, cast):
    milestone_records(cast)
    financing = priority("資金調達", "milestones", 3, milestone_kind="financing")
    found = measures.actuals(hub_priorities={cast.hub.pk: [MILESTONE_AREA, financing]},
                             fiscal_year=YEAR)
    assert found == {cast.hub.pk: [2, 1]}


def test_value_added_measures_read_the_outcome_figure(today, cast):
    value_added_records(cast)
    found = measures.actuals(hub_priorities={cast.hub.pk: [IMPROVED_AREA, CHANGE_AREA]},
                             fiscal_year=YEAR)
    assert found == {cast.hub.pk: [40.0, 2.0]}  # 2 of 5 grew; +100 on 5,000


def test_value_added_under_the_minimum_of_clients_has_no_actual(today, cast, settings):
    value_added_records(cast)
    settings.OUTCOME_MIN_CLIENTS = 6  # five clients: one too few, the figure is withheld
    found = measures.actuals(hub_priorities={cast.hub.pk: [IMPROVED_AREA, CHANGE_AREA]},
                             fiscal_year=YEAR)
    assert found == {cast.hub.pk: [None, None]}


def test_a_priority_without_a_measure_has_no_actual_and_a_year_not_begun_none(today, cast):
    topic_records(cast)
    found = measures.actuals(hub_priorities={cast.hub.pk: [priority("未定"), TOPIC_AREA]},
                             fiscal_year=YEAR)
    assert found == {cast.hub.pk: [None, 6]}
    assert measures.actuals(hub_priorities={cast.hub.pk: [TOPIC_AREA]},
                            fiscal_year=YEAR + 1) == {cast.hub.pk: [None]}


# --- Plan attainment -----------------------------------------------------------------------------
@pytest.fixture
def attained(today, cast):
    """Tokyo's accepted plan with TARGETS and the four AREAS, over all the records above."""
    topic_records(cast)
    milestone_records(cast)
    value_added_records(cast)
    accepted_plan(cast.hub, cast.chief, AREAS, TARGETS)
    return cast


def test_plan_attainment_equals_a_hand_computation(attained):
    cast = attained
    found = attainment.plan_attainment(
        hub=authorise(cast.chief, VIEW_PLAN, cast.hub), fiscal_year=YEAR)
    assert found.version == 1
    standard = {row.code: row for row in found.standard_rows}
    # Sessions: A 3, B 1, C 1, D 1 in FY2025 (the value-added clients' are of June 2024);
    # target to date: 6 months of 10, and October's 10 × 15/31: 64.8 -> 65.
    assert (standard["sessions"].actual, standard["sessions"].target_to_date) == (6, 65)
    assert standard["sessions"].achievement == round(100 * 6 / 65, 1) == 9.2
    # New clients: A's, B's, C's and D's first consulted this year; 12 + 2 × 15/31 -> 13.
    assert (standard["new_clients"].actual, standard["new_clients"].target_to_date) == (4, 13)
    assert standard["new_clients"].achievement == 30.8
    # Every case opened this year is an expert proposal: 100% against 40%, capped at 100.
    assert standard["expert_share"].achievement == 250.0
    assert standard["expert_share"].attainment == 100.0
    # No referral due and no survey answer: nothing to rate, left out of the mean.
    assert standard["follow_up"].attainment is None
    assert standard["satisfaction"].attainment is None
    assert found.standard == round((9.2 + 30.8 + 100) / 3, 1) == 46.7

    rows = found.priority_rows
    assert [row.actual for row in rows] == [6, 2, 40.0, 2.0]
    # Counts: the year's target in proportion to the months passed (half up); rates: the year's.
    assert [row.target_to_date for row in rows] == [
        int(40 * ELAPSED / 12 + 0.5), int(12 * ELAPSED / 12 + 0.5), 60, 5] == [22, 6, 60, 5]
    assert [row.attainment for row in rows] == [27.3, 33.3, 66.7, 40.0]
    assert found.priority == round((27.3 + 33.3 + 66.7 + 40.0) / 4, 1)
    assert rows[0].label == "創業・事業承継" and "創業" in rows[0].measure


def test_no_accepted_plan_means_no_attainment(today, cast):
    plan_with_content(hub=cast.hub, fiscal_year=YEAR,
                      content={"targets": TARGETS, "priorities": AREAS})  # a draft only
    assert attainment.plan_attainment(
        hub=authorise(cast.chief, VIEW_PLAN, cast.hub), fiscal_year=YEAR) is None
    assert attainment.plan_attainments(hub_ids=[cast.hub.pk, cast.other_hub.pk],
                                       fiscal_year=YEAR) == {cast.hub.pk: None,
                                                             cast.other_hub.pk: None}


def test_attainment_is_kept_between_0_and_100():
    row = attainment.AttainmentRow(kind="priority", code="priority-1", label="", measure="",
                                   unit="percent", target_year=5, target_to_date=5,
                                   actual=-2.0, achievement=attainment.achievement(-2.0, 5))
    assert (row.achievement, row.attainment) == (-40.0, 0.0)
    assert attainment.achievement(3, 0) is None and attainment.achievement(None, 5) is None


def _more_hubs_with_plans(cast, jis_codes):
    for jis in jis_codes:
        hub = Hub.objects.get(jis_code=jis)
        lead = cast.outsider
        for day in (date(2025, 5, 1), date(2025, 8, 1)):
            _case(hub, lead, ["startup", "succession"], day, day)
        case = CaseFactory(hub=hub, lead=lead, opened_on=date(2025, 5, 1))
        _milestone(hub, case, Milestone.Kind.STARTUP, date(2025, 6, 1))
        accepted_plan(hub, lead, AREAS + [priority("承継", "topic_sessions", 5,
                                                   topics=["succession"])], TARGETS)


def test_the_batched_form_runs_the_same_queries_for_more_hubs_and_areas(attained):
    cast = attained

    def counted(hub_ids):
        with CaptureQueriesContext(connection) as queries:
            found = attainment.plan_attainments(hub_ids=hub_ids, fiscal_year=YEAR)
        return found, len(queries)

    one, few = counted([cast.hub.pk])
    _more_hubs_with_plans(cast, ["14", "11", "12", "04"])
    hub_ids = list(Hub.objects.filter(jis_code__in=["13", "14", "11", "12", "04", "01"])
                   .values_list("pk", flat=True))
    many, more = counted(hub_ids)
    assert few == more <= 10  # plans, five tallies, topics, milestones, value added, names
    assert many[cast.hub.pk] == one[cast.hub.pk]  # the same figures, however many hubs
    assert many[Hub.objects.get(jis_code="01").pk] is None  # no plan
    assert len(many[cast.other_hub.pk].priority_rows) == 5


# --- The dashboards ---------------------------------------------------------------------------
def test_hub_dashboard_shows_each_areas_target_actual_and_attainment(attained, client):
    cast = attained
    client.force_login(cast.coordinator)
    response = client.get(hub_url(year=YEAR))
    assert response.status_code == 200
    [hub] = response.context["priorities"]
    shown = [(r.label, r.target_year, r.target_to_date, r.actual, r.attainment)
             for r in hub.rows]
    assert shown == [("創業・事業承継", 40, 22, 6, 27.3), ("創業の実現", 12, 6, 2, 33.3),
                     ("収益改善", 60, 60, 40.0, 66.7), ("生産性向上", 5, 5, 2.0, 40.0)]
    found = attainment.plan_attainment(
        hub=authorise(cast.chief, VIEW_PLAN, cast.hub), fiscal_year=YEAR)
    assert hub.rows == found.priority_rows and hub.mean == found.priority
    html = response.content.decode()
    section = html.split('id="priorities-title"')[1].split("</section>")[0]
    assert "創業、事業承継" in section  # the topics counted, by name
    assert "27.3%" in section and "66.7%" in section and "<caption>" in section


def test_hub_dashboard_shows_a_drafts_areas_as_the_draft(today, client, cast):
    topic_records(cast)
    plan_with_content(hub=cast.hub, fiscal_year=YEAR,
                      content={"priorities": [TOPIC_AREA, priority("まだ決めていない")]})
    client.force_login(cast.chief)
    response = client.get(hub_url(year=YEAR))
    assert response.context["plan_state"] == "draft"
    rows = response.context["priorities"][0].rows
    assert [(r.actual, r.attainment) for r in rows] == [(6, 27.3), (None, None)]
    assert "未設定" in response.content.decode()


def test_bureau_dashboard_lists_each_hubs_areas(attained, client):
    cast = attained
    client.force_login(cast.bureau)
    response = client.get(reverse("plans:plan_dashboard_bureau") + f"?year={YEAR}")
    [section] = [s for s in response.context["sections"] if s.bureau == cast.hub.bureau]
    assert [h.hub for h in section.priorities] == [cast.hub]
    summary = section.priority_summary
    assert (summary.hubs, summary.areas, summary.met) == (1, 4, 0)
    assert summary.mean == section.priorities[0].mean
    assert "創業・事業承継" in response.content.decode()


def test_national_dashboard_summarises_areas_by_bureau(attained, client):
    cast = attained
    _more_hubs_with_plans(cast, ["04"])  # Miyagi, another bureau: 5 areas
    client.force_login(cast.hq)
    response = client.get(reverse("plans:plan_dashboard_national") + f"?year={YEAR}")
    rows = {row.name: row for row in response.context["priority_rows"]}
    assert rows[cast.hub.bureau.name].areas == 4
    assert rows[cast.other_hub.bureau.name].areas == 5
    total = response.context["priority_total"]
    assert (total.hubs, total.areas) == (2, 9)


def test_the_dashboards_files_carry_the_areas_in_japanese(attained, client):
    cast = attained
    client.force_login(cast.coordinator)
    book = downloads.workbook(client.get(hub_url(year=YEAR, format="xlsx")).content)
    assert book.sheetnames == ["計画と実績", "重点分野"]
    rows = downloads.sheet_rows(book["重点分野"])
    assert rows[0] == ["経済産業局", "拠点", "計画", "重点分野", "測定方法", "単位", "年間目標",
                       "今日までの目標", "今日までの実績", "達成度（％）"]
    assert rows[1][1:] == ["東京都", "受理済み", "創業・事業承継",
                           "相談分野（創業、事業承継）の相談対応件数", "件数", 40, 22, 6, 27.3]
    client.force_login(cast.hq)
    book = downloads.workbook(client.get(reverse("plans:plan_dashboard_national")
                                         + f"?year={YEAR}&format=xlsx").content)
    summary = downloads.sheet_rows(book["重点分野（経済産業局別）"])
    assert summary[-1][:3] == ["全国", 1, 4]


def _dashboard_queries(client, cast):
    counts = {}
    for role, url in (("coordinator", hub_url(year=YEAR)),
                      ("bureau", reverse("plans:plan_dashboard_bureau") + f"?year={YEAR}"),
                      ("hq", reverse("plans:plan_dashboard_bureau") + f"?year={YEAR}"),
                      ("hq", reverse("plans:plan_dashboard_national") + f"?year={YEAR}"),
                      ("hq", reverse("plans:plan_dashboard_national")
                       + f"?year={YEAR}&format=xlsx")):
        client.force_login(cast.by_role()[role])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[role, url] = len(queries)
    return counts


def test_dashboards_run_the_same_queries_for_more_hubs_and_areas(attained, client):
    cast = attained
    few = _dashboard_queries(client, cast)
    _more_hubs_with_plans(cast, ["14", "11", "12", "04", "07"])  # Kanto's and others
    more = _dashboard_queries(client, cast)
    assert few == more
    # The dashboards' budgets (tests/project/test_query_budgets.py) + the areas' four:
    # topics, milestones, value added and the topics' names.
    assert max(more.values()) <= 14 + 4


# --- Editing, submitting, versions -------------------------------------------------------------
def _form_data(plan, **changes):
    from evaluation.plans.indicators import STANDARD

    data = {k: ("" if v is None else v) for k, v in
            plan_content.to_initial(plan.content, list(STANDARD)).items()}
    data["version"] = plan.version
    data.update(changes)
    return data


def test_the_chief_gives_a_priority_a_topic_measure_and_target(client, cast):
    plan = services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR, by=cast.chief)
    client.force_login(cast.chief)
    page = client.get(plan_url("plan_edit", cast.hub))
    assert 'name="priority_1_measure"' in page.content.decode()
    response = client.post(plan_url("plan_edit", cast.hub), _form_data(
        plan, priority_1_title="創業", priority_1_description="創業相談を増やす",
        priority_1_measure="topic_sessions", priority_1_topics=["startup", "succession"],
        priority_1_milestone_kind="financing",  # not what this measure counts: dropped
        priority_1_target="１２０"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.content["priorities"] == [{
        "title": "創業", "description": "創業相談を増やす", "measure": "topic_sessions",
        "topics": ["startup", "succession"], "milestone_kind": "", "target": 120}]
    row = PlanPriority.objects.get(plan=plan)
    assert (row.measure, row.topics, row.target) == ("topic_sessions", ["startup", "succession"],
                                                      120)


@pytest.mark.parametrize(("changes", "field"), [
    ({"priority_1_measure": "topic_sessions", "priority_1_target": "10"}, "priority_1_topics"),
    ({"priority_1_measure": "milestones", "priority_1_target": "10"},
     "priority_1_milestone_kind"),
    ({"priority_1_target": "10"}, "priority_1_measure"),
    ({"priority_1_measure": "value_added_improved", "priority_1_target": "120"},
     "priority_1_target"),
    ({"priority_1_measure": "milestones", "priority_1_milestone_kind": "startup",
      "priority_1_target": "2.5"}, "priority_1_target"),
    ({"priority_1_measure": "milestones", "priority_1_milestone_kind": "startup",
      "priority_1_target": "0"}, "priority_1_target"),
    ({"priority_1_title": "", "priority_1_measure": "value_added_change",
      "priority_1_target": "3"}, "priority_1_title"),
])
def test_what_a_priority_gives_must_fit_together(client, cast, changes, field):
    plan = services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR, by=cast.chief)
    client.force_login(cast.chief)
    data = _form_data(plan, **{"priority_1_title": "重点", **changes})
    response = client.post(plan_url("plan_edit", cast.hub), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_a_draft_may_leave_the_measure_for_later_but_is_not_submitted_so(client, cast):
    plan = services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR, by=cast.chief)
    content = plan_content.normalize(plan.content)
    content["priorities"] = [TOPIC_AREA, priority("価格転嫁", description="原価計算の支援")]
    plan = services.plan_update(plan=plan, by=cast.chief, content=content, version=plan.version)
    with pytest.raises(services.PlanIncomplete) as refused:
        services.plan_confirm(plan=plan, by=cast.chief)
    assert [n for n, _p, _lacks in refused.value.priorities] == [2]
    plan.refresh_from_db()
    assert plan.chief_confirmed_by is None and not plan.versions.exists()

    client.force_login(cast.impl_org)
    page = client.get(plan_url("plan_detail", cast.hub))
    assert page.context["incomplete"] == [2]
    html = page.content.decode()
    assert 'aria-describedby="plan-incomplete"' in html and "disabled" in html
    response = client.post(plan_url("plan_confirm", cast.hub), {"version": plan.version},
                           follow=True)
    assert "計画はまだ確認できません" in response.content.decode()
    plan.refresh_from_db()
    assert plan.org_confirmed_by is None


def test_a_submitted_version_keeps_the_measure_and_target(cast):
    plan = services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR, by=cast.chief)
    content = plan_content.normalize(plan.content)
    content["priorities"] = [TOPIC_AREA, MILESTONE_AREA]
    plan = services.plan_update(plan=plan, by=cast.chief, content=content, version=plan.version)
    services.plan_confirm(plan=plan, by=cast.chief)
    plan = services.plan_confirm(plan=AnnualPlan.objects.get(pk=plan.pk), by=cast.impl_org)
    assert plan.status == AnnualPlan.Status.SUBMITTED
    frozen = plan.versions.get().content["priorities"]
    assert frozen == [TOPIC_AREA, MILESTONE_AREA]
    assert frozen[0]["measure"] == "topic_sessions" and frozen[0]["target"] == 40


def test_the_plan_page_shows_each_areas_measure_and_target(client, cast):
    plan_with_content(hub=cast.hub, fiscal_year=YEAR,
                      content={"priorities": [TOPIC_AREA, IMPROVED_AREA, priority("未定")]})
    client.force_login(cast.coordinator)
    response = client.get(plan_url("plan_detail", cast.hub))
    rows = response.context["priorities"]
    assert [(r.title, r.target) for r in rows] == [("創業・事業承継", "40"), ("収益改善", "60%"),
                                                   ("未定", "—")]
    assert rows[0].measure == "相談分野（創業、事業承継）の相談対応件数"
    assert rows[2].lacks == ["測定方法", "年間目標"]
    html = response.content.decode()
    assert "支援先のうち付加価値額が増加した事業者の割合" in html


# --- Versions frozen before measures ----------------------------------------------------------
OLD = {"priorities": [{"title": "創業", "target": "創業支援 20件"},
                      {"title": "事業承継", "target": "承継計画の策定支援"}]}


def test_a_version_frozen_before_measures_reads_its_text_as_the_description():
    content = plan_content.normalize(OLD)
    assert content["priorities"][0] == priority("創業", description="創業支援 20件")
    assert plan_content.render_section(OLD, "priorities") == [
        "1. 創業 — 創業支援 20件", "2. 事業承継 — 承継計画の策定支援"]


def test_the_diff_compares_an_old_version_with_one_that_has_measures(client, cast):
    plan = plan_with_content(hub=cast.hub, fiscal_year=YEAR)
    PlanVersion.objects.create(plan=plan, number=1, content=OLD, submitted_by=cast.chief,
                               outcome="returned", decided_by=cast.bureau,
                               decided_at=timezone.now())
    new = {"priorities": [priority("創業", "topic_sessions", 20, topics=["startup"],
                                   description="創業支援 20件"),
                          priority("事業承継", "milestones", 5, milestone_kind="succession",
                                   description="承継計画の策定支援")]}
    PlanVersion.objects.create(plan=plan, number=2, content=plan_content.normalize(new),
                               submitted_by=cast.chief)
    AnnualPlan.objects.filter(pk=plan.pk).update(status=AnnualPlan.Status.SUBMITTED)
    client.force_login(cast.bureau)
    response = client.get(plan_url("plan_diff", cast.hub) + "?from=1&to=2")
    assert response.status_code == 200
    lines = dict((label, lines) for label, lines, _changed in response.context["diff"])
    changes = [(line.kind, line.text) for line in lines["重点分野"]]
    assert (" ", "1. 創業 — 創業支援 20件") in changes  # the text itself did not change
    assert ("+", "    測定方法：相談分野（創業）の相談対応件数、年間目標：20") in changes
    succession = Milestone.Kind.SUCCESSION.label
    assert ("+", f"    測定方法：成果の達成件数（{succession}）、年間目標：5") in changes
    assert not any(kind == "-" for kind, _text in changes)


# --- The migration ------------------------------------------------------------------------------
def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.needs_postgres
@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_priorities_text_as_its_description(cast):
    try:
        old = _migrate([("plans", "0004_draft_content_removed")])
        plan = old.get_model("plans", "AnnualPlan").objects.create(hub_id=cast.hub.pk,
                                                                   fiscal_year=YEAR)
        for position, text in ((1, "創業支援 20件"), (2, "")):
            old.get_model("plans", "PlanPriority").objects.create(
                plan_id=plan.pk, position=position, title=f"重点{position}", target=text)
        _migrate([("plans", "0005_priority_measures")])
        rows = PlanPriority.objects.filter(plan_id=plan.pk).order_by("position")
        assert [(r.title, r.description, r.measure, r.topics, r.target) for r in rows] == [
            ("重点1", "創業支援 20件", "", [], None), ("重点2", "", "", [], None)]
        # Nothing lost on the way back either.
        back = _migrate([("plans", "0004_draft_content_removed")])
        assert list(back.get_model("plans", "PlanPriority").objects.filter(plan_id=plan.pk)
                    .order_by("position").values_list("target", flat=True)) == [
            "創業支援 20件", ""]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        rls.install()


def test_the_selectors_rows_say_what_an_area_lacks(cast):
    rows = selectors.priority_rows([priority("A", "topic_sessions", None),
                                    priority("B", "milestones", 3)])
    assert rows[0].lacks == ["集計する相談分野", "年間目標"]
    assert rows[1].lacks == ["集計する成果の種類"]
