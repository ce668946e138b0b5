"""Each role's home page is a list of what to do now (yorozu/home.py), each item a link to
where it is done with its count, read through the user's own access: a bureau sees its own
hubs' late plans, never another bureau's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Hearing, Score, SelfCheck
from evaluation.plans.models import ActivityPolicy, AnnualPlan, PlanVersion
from evaluation.selfchecks import current_period
from evaluation.surveys.models import AgencyInvitation, AgencySurvey
from hubs.models import Appointment, Hub
from hubs.roles import Role
from tests.consultations.factories import CaseFactory, ReferralFactory
from tests.evaluation.factories import GuidelineFactory, ItemFactory, SelfCheckFactory
from tests.hubs.factories import AgencyFactory, AppointmentFactory, UserFactory
from yorozu.core import fiscal

pytestmark = pytest.mark.django_db
YEAR = fiscal.current_fiscal_year()


def todo(client, user) -> dict:
    """The home page's to-do items by label: (count, url, note, urgent)."""
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {item.label: (item.count, item.url, item.note, item.urgent)
            for item in response.context["todo"]}


def _policy(deadline):
    return ActivityPolicy.objects.create(fiscal_year=YEAR, priority_themes="重点",
                                         indicators=["sessions"], plan_deadline=deadline,
                                         published_at=timezone.now())


def _plan(hub, status, **fields):
    plan = AnnualPlan.objects.create(hub=hub, fiscal_year=YEAR, status=status, **fields)
    if status != AnnualPlan.Status.DRAFT:
        PlanVersion.objects.create(plan=plan, number=1, content={},
                                   submitted_by=UserFactory())
    return plan


# --- HQ ---------------------------------------------------------------------------------------
def test_hq_is_told_to_publish_the_guideline_before_any_hearing(client, cast):
    items = todo(client, cast.hq)
    label = "今年度の行動指針が未公開です（ヒアリングの前に公開が必要です）"
    assert items[label][1] == reverse("evaluation:guideline_list") and items[label][3]
    assert "ヒアリング日程が未定の拠点" not in items


def test_hq_sees_hearings_to_schedule_score_finalise_and_publish(client, cast):
    item = ItemFactory()  # this year's published guideline, one item
    hubs = list(Hub.objects.order_by("jis_code")[:4])

    def hearing(hub, status, level=None):
        h = Hearing.objects.create(hub=hub, fiscal_year=YEAR, guideline=item.area.guideline,
                                   held_on=fiscal.today(), lead=cast.hq, status=status)
        if level:
            Score.objects.create(hearing=h, item=item, level=level)

    hearing(hubs[0], Hearing.Status.SCHEDULED)
    hearing(hubs[1], Hearing.Status.SCORING, level=3)  # every item scored
    hearing(hubs[2], Hearing.Status.FINALISED, level=2)
    hearing(hubs[3], Hearing.Status.PUBLISHED, level=4)
    items = todo(client, cast.hq)
    url = reverse("evaluation:hearing_list") + f"?year={YEAR}"
    assert items["ヒアリング日程が未定の拠点"][:2] == (Hub.objects.count() - 4, url)
    assert items["採点中のヒアリング"][:2] == (1, url)
    assert items["採点済みで確定待ちのヒアリング"][:2] == (1, url)
    assert items["確定済みで公開待ちのヒアリング"][:2] == (1, url)


def test_plans_past_deadline_count_the_hubs_that_have_not_handed_theirs_in(client, cast):
    _policy(fiscal.today() - timedelta(days=1))
    kanagawa = Hub.objects.get(jis_code="14")
    _plan(kanagawa, AnnualPlan.Status.SUBMITTED)
    # Accepted, then reopened for a mid-year revision: not late.
    revised = _plan(Hub.objects.get(jis_code="11"), AnnualPlan.Status.DRAFT)
    PlanVersion.objects.create(plan=revised, number=1, content={}, submitted_by=cast.chief,
                               outcome="accepted")
    _plan(cast.hub, AnnualPlan.Status.RETURNED)  # returned and not sent again: late
    label = "提出期限を過ぎた事業計画（期限超過）"
    assert todo(client, cast.hq)[label][0] == Hub.objects.count() - 2

    kanto = Hub.objects.filter(bureau=cast.hub.bureau).count()
    count, url, note, urgent = todo(client, cast.bureau)[label]
    assert count == kanto - 2 and urgent and url == "#plan-queue-heading"
    assert "東京都" in note and "宮城県" not in note and "神奈川県" not in note


def test_nothing_is_late_before_the_deadline_or_without_a_published_policy(client, cast):
    label = "提出期限を過ぎた事業計画（期限超過）"
    assert label not in todo(client, cast.hq)
    _policy(fiscal.today())
    assert label not in todo(client, cast.hq)


# --- Bureau -----------------------------------------------------------------------------------
def test_the_bureau_sees_its_own_plans_to_review_and_appointments_to_approve(client, cast):
    _plan(Hub.objects.get(jis_code="14"), AnnualPlan.Status.SUBMITTED)
    _plan(cast.other_hub, AnnualPlan.Status.SUBMITTED)  # another bureau's
    for hub in (cast.hub, cast.other_hub):
        AppointmentFactory(user=UserFactory(), role=Role.COORDINATOR, hub=hub,
                           status=Appointment.Status.PROPOSED, proposed_by=cast.chief)
    items = todo(client, cast.bureau)
    assert items["審査待ちの事業計画"][:3] == (
        1, reverse("plans:plan_detail", args=["14", YEAR]), "神奈川県")
    assert items["承認待ちの任命"][:2] == (1, reverse("hubs:appointment_list"))
    # The proposing hub sees the same proposal as waiting for the bureau.
    assert todo(client, cast.chief)["局の承認待ちの任命の申請"][0] == 1


# --- Chief coordinator and coordinators ---------------------------------------------------------
def test_follow_ups_the_chief_sees_the_hubs_a_coordinator_their_own(client, cast):
    agency = AgencyFactory(hub=cast.hub)
    mine = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    colleague = CaseFactory(hub=cast.hub, lead=UserFactory())
    today = fiscal.today()
    for case, due in ((mine, today - timedelta(days=1)), (mine, today + timedelta(days=3)),
                      (colleague, today - timedelta(days=2)),
                      (mine, today + timedelta(days=30))):
        ReferralFactory(hub=cast.hub, case=case, agency=agency, follow_up_due=due)
    followups = reverse("consultations:followups", args=[cast.hub.jis_code])
    coordinator = todo(client, cast.coordinator)
    assert coordinator["期限を過ぎたフォローアップ"][0] == 1
    assert coordinator["期限を過ぎたフォローアップ"][3]  # urgent: first, highlighted
    assert coordinator["1週間以内に期限が来るフォローアップ"][:2] == (1, followups)
    assert todo(client, cast.chief)["期限を過ぎたフォローアップ"][0] == 2
    assert "期限を過ぎたフォローアップ" not in todo(client, cast.outsider)


def test_the_chief_sees_a_returned_plan_and_self_checks_to_review(client, cast):
    _policy(fiscal.today() + timedelta(days=10))
    _plan(cast.hub, AnnualPlan.Status.RETURNED)
    item = ItemFactory()
    fy, half = current_period()
    SelfCheckFactory(hub=cast.hub, user=cast.coordinator, guideline=item.area.guideline,
                     half=half, status=SelfCheck.Status.SUBMITTED)
    items = todo(client, cast.chief)
    count, url, note, urgent = items["局から差し戻された事業計画"]
    assert url == reverse("plans:plan_detail", args=[cast.hub.jis_code, YEAR]) and urgent
    assert note.startswith("提出期限：") and "期限超過" not in note
    assert items["確認待ちのコーディネーターの自己点検"][:2] == (
        1, reverse("evaluation:selfcheck_review_list", args=[cast.hub.jis_code]))
    # The coordinator who submitted has nothing left to fill in for the half-year.
    assert "今期の自己点検が未提出です" not in todo(client, cast.coordinator)


def test_a_self_check_to_fill_once_the_years_guideline_is_published(client, cast):
    label = "今期の自己点検が未提出です"
    assert label not in todo(client, cast.coordinator)
    GuidelineFactory(fiscal_year=current_period()[0])
    assert todo(client, cast.coordinator)[label][1] == reverse("evaluation:selfcheck_mine")
    assert label not in todo(client, cast.bureau)


def test_a_plan_to_start_once_the_policy_is_published(client, cast):
    label = "今年度の事業計画が未作成です"
    assert label not in todo(client, cast.chief)
    _policy(fiscal.today() + timedelta(days=10))
    assert not todo(client, cast.chief)[label][3]
    assert label in todo(client, cast.impl_org) and label not in todo(client, cast.coordinator)


# --- Implementing organization ------------------------------------------------------------------
def test_the_implementing_organization_sees_the_plan_waiting_for_its_confirmation(client, cast):
    _plan(cast.hub, AnnualPlan.Status.DRAFT, chief_confirmed_by=cast.chief,
          chief_confirmed_at=timezone.now())
    assert "あなたの確認待ちの事業計画" in todo(client, cast.impl_org)
    assert "あなたの確認待ちの事業計画" not in todo(client, cast.chief)  # confirmed already


def test_the_implementing_organization_sees_its_survey_and_its_progress(client, cast):
    assert "今年度の支援機関アンケートが未実施です" in todo(client, cast.impl_org)
    survey = AgencySurvey.objects.create(hub=cast.hub, fiscal_year=YEAR, title="連携調査",
                                         deadline=fiscal.today(), created_by=cast.impl_org,
                                         status="open", opened_at=timezone.now())
    for i in range(3):
        agency = AgencyFactory(hub=cast.hub, email=f"a{i}@agency.example.jp")
        AgencyInvitation.objects.create(survey=survey, agency=agency, email=agency.email,
                                        answered_at=timezone.now() if i else None)
    AgencySurvey.objects.create(hub=cast.other_hub, fiscal_year=YEAR, title="他拠点",
                                deadline=fiscal.today(), created_by=cast.outsider)
    items = todo(client, cast.impl_org)
    count, url, note, _urgent = items["実施中の支援機関アンケート"]
    assert url == reverse("surveys:agency_survey_detail", args=[survey.pk])
    assert note.startswith("回答 2／3機関")
    assert "今年度の支援機関アンケートが未実施です" not in items
    assert "下書きのままの支援機関アンケート" not in items  # the other hub's draft


# --- The page -----------------------------------------------------------------------------------
def test_the_page_lists_the_items_as_links_with_counts_urgent_first(client, cast):
    _policy(fiscal.today() - timedelta(days=1))
    AppointmentFactory(user=UserFactory(), role=Role.COORDINATOR, hub=cast.hub,
                       status=Appointment.Status.PROPOSED, proposed_by=cast.chief)
    client.force_login(cast.bureau)
    response = client.get(reverse("home"))
    todo_items = response.context["todo"]
    assert todo_items[0].urgent and not todo_items[-1].urgent
    page = response.content.decode()
    assert "今やること" in page
    link = reverse("hubs:appointment_list")
    assert f'<a class="fw-semibold" href="{link}">承認待ちの任命</a>' in page
    assert "1件" in page


def test_nothing_to_do_is_said_plainly(client, cast):
    client.force_login(cast.coordinator)
    assert "いま対応が必要なことはありません。" in client.get(reverse("home")).content.decode()


def test_a_plan_not_started_after_the_deadline_says_it_is_late(client, cast):
    _policy(fiscal.today() - timedelta(days=1))
    count, url, note, urgent = todo(client, cast.chief)["今年度の事業計画が未作成です"]
    assert urgent and note.endswith("（期限超過）")
