"""Every breakdown of survey answers and of hearing scores obeys the same minimum as the total:
rows hidden so that others cannot be worked out say so, the agency survey's breakdown by type
and its comments never point at one agency, nothing on the campaign page tells which agency
answered, results move only in groups of answers, and the national distribution of levels is
shown only over enough hubs."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Hearing, Score
from evaluation.surveys import agency_selectors
from evaluation.surveys.anonymity import PROTECTS_OTHERS, TOO_FEW, withholding
from evaluation.surveys.models import (
    AgencyInvitation,
    AgencyResponse,
    AgencySurvey,
    SatisfactionResponse,
)
from hubs.models import Hub, SupportAgency
from tests.evaluation.factories import ItemFactory
from tests.hubs.factories import AgencyFactory, UserFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


def _row_of(body: str, name: str) -> str:
    """The table row (<tr>...</tr>) that names `name`."""
    return next(row for row in re.findall(r"<tr>.*?</tr>", body, re.S) if name in row)


# --- The shared rule -------------------------------------------------------------------------
def test_withholding_tells_too_few_apart_from_hidden_to_protect_others():
    assert withholding([10, 4, 7], 5) == [None, TOO_FEW, PROTECTS_OTHERS]
    assert withholding([0, 6], 5) == [None, None]
    # A total that also counts cells the reader does not see (their colleagues' rows).
    assert withholding([6], 5, total=8) == [PROTECTS_OTHERS]


# --- Client satisfaction: the true reason -------------------------------------------------------
def _satisfaction(hub, coordinator, scores):
    for score in scores:
        SatisfactionResponse.objects.create(
            hub=hub, coordinator=coordinator, answered_on=fiscal.today(), overall=score,
            understanding=score, usefulness=score, speed=score, recommend=score)


def test_a_row_hidden_to_protect_others_says_so_rather_than_too_few(client, cast, settings):
    settings.SATISFACTION_MIN_ANSWERS = 5
    second = UserFactory(family_name="二番", given_name="花子")
    _satisfaction(cast.hub, cast.coordinator, [5] * 5)
    _satisfaction(cast.hub, second, [1, 2])  # too few; the hub minus the first would show them
    client.force_login(cast.chief)
    body = client.get(reverse("surveys:satisfaction_results",
                              args=[cast.hub.jis_code])).content.decode()
    too_few = "回答が5件未満のため"
    first_row = _row_of(body, cast.coordinator.given_name)
    second_row = _row_of(body, "二番")
    assert too_few in second_row
    assert too_few not in first_row
    assert "差し引き" in first_row  # hidden so that the hidden row cannot be worked out


# --- The agency survey ------------------------------------------------------------------------
@pytest.fixture
def survey(cast):
    return AgencySurvey.objects.create(
        hub=cast.hub, fiscal_year=YEAR, title="地域の支援機関アンケート", deadline=fiscal.today(),
        created_by=cast.impl_org, status=AgencySurvey.Status.OPEN, opened_at=timezone.now())


def _agency_answers(survey, kinds, *, score=4, text=""):
    for kind in kinds:
        AgencyResponse.objects.create(
            survey=survey, agency_kind=kind, answered_on=fiscal.today(),
            **dict.fromkeys(AgencyResponse.QUESTIONS, score), requests=text)


CHAMBER = SupportAgency.Kind.CHAMBER_OF_COMMERCE
FINANCIAL = SupportAgency.Kind.FINANCIAL
MUNICIPALITY = SupportAgency.Kind.MUNICIPALITY


def test_a_type_with_a_single_answer_is_not_shown_on_its_own(client, cast, survey, settings):
    settings.AGENCY_SURVEY_MIN_ANSWERS = 3
    _agency_answers(survey, [CHAMBER])  # the prefecture's one chamber of commerce
    _agency_answers(survey, [FINANCIAL] * 3 + [MUNICIPALITY] * 2)
    results = agency_selectors.survey_results(survey=survey)
    kinds = {str(row["kind"]): row["count"] for row in results["by_kind"]}
    chamber_label = str(SupportAgency.Kind(CHAMBER).label)
    assert chamber_label not in kinds
    assert all(n >= 3 for n in kinds.values())
    assert sum(kinds.values()) == results["counted"] == 6  # the rest shown together
    client.force_login(cast.impl_org)
    body = client.get(reverse("surveys:agency_survey_detail", args=[survey.pk])
                      ).content.decode()
    table = body[body.index("agency-survey-kinds"):]
    assert chamber_label not in table[:table.index("</table>")]


def test_a_type_hidden_alone_takes_the_smallest_shown_type_with_it(survey, settings):
    settings.AGENCY_SURVEY_MIN_ANSWERS = 3
    _agency_answers(survey, [CHAMBER] + [FINANCIAL] * 3 + [MUNICIPALITY] * 5)
    kinds = {str(row["kind"]): row["count"]
             for row in agency_selectors.survey_results(survey=survey)["by_kind"]}
    # 1 chamber alone would be the total minus the others: the financial 3 go with it.
    assert kinds[str(SupportAgency.Kind(MUNICIPALITY).label)] == 5
    assert str(SupportAgency.Kind(FINANCIAL).label) not in kinds
    assert sorted(kinds.values()) == [4, 5]


def test_a_comment_is_not_shown_until_enough_other_answers_hide_it(client, cast, survey,
                                                                    settings):
    settings.AGENCY_SURVEY_MIN_ANSWERS = 3
    _agency_answers(survey, [FINANCIAL] * 3, text="共通の要望")
    _agency_answers(survey, [CHAMBER], text="当所の会員向けセミナーを増やしてほしい")
    client.force_login(cast.impl_org)
    url = reverse("surveys:agency_survey_detail", args=[survey.pk])
    assert "当所の会員向け" not in client.get(url).content.decode()
    _agency_answers(survey, [MUNICIPALITY] * 2)
    assert "当所の会員向け" in client.get(url).content.decode()


def test_one_more_answer_changes_nothing_that_is_shown(client, cast, survey, settings):
    settings.AGENCY_SURVEY_MIN_ANSWERS = 3
    _agency_answers(survey, [FINANCIAL, MUNICIPALITY, CHAMBER], score=4, text="要望")
    client.force_login(cast.impl_org)
    url = reverse("surveys:agency_survey_detail", args=[survey.pk])

    def shown():
        results = agency_selectors.survey_results(survey=survey)
        page = client.get(url).content.decode()
        section = page[page.index('id="results-heading"'):]
        section = re.sub(r"<dd[^>]*answers-so-far[^>]*>.*?</dd>", "", section, flags=re.S)
        return ({k: results.get(k) for k in ("averages", "by_kind", "requests",
                                              "good_practice", "counted")}, section)

    before = shown()
    _agency_answers(survey, [CHAMBER], score=1, text="新しい要望")
    assert shown() == before
    _agency_answers(survey, [FINANCIAL], score=1)
    assert shown() == before
    _agency_answers(survey, [MUNICIPALITY], score=1)  # three new answers: a new batch
    after = shown()
    assert after != before and after[0]["counted"] == 6


def test_the_campaign_page_does_not_tell_which_agency_answered_before_a_reminder(
        client, cast, survey):
    now = timezone.now()
    answered, reminded, failed = (AgencyFactory(hub=cast.hub, kind=FINANCIAL, name=name,
                                                email=f"{n}@agency.example.jp")
                                  for n, name in enumerate(("甲信用金庫", "乙銀行", "丙信用組合")))
    # Answered before the first reminder round: never reminded.
    AgencyInvitation.objects.create(survey=survey, agency=answered, email=answered.email,
                                    sent_at=now, answered_at=now, reminders_sent=0)
    AgencyInvitation.objects.create(survey=survey, agency=reminded, email=reminded.email,
                                    sent_at=now, reminders_sent=1)
    # A reminder that could not be delivered would also tell that it had not answered.
    AgencyInvitation.objects.create(survey=survey, agency=failed, email=failed.email,
                                    sent_at=now, reminders_sent=0, send_attempts=1,
                                    send_error="550 mailbox unavailable")
    AgencySurvey.objects.filter(pk=survey.pk).update(reminders_sent=1,
                                                     last_reminded_on=fiscal.today())
    client.force_login(cast.impl_org)
    body = client.get(reverse("surveys:agency_survey_detail", args=[survey.pk])
                      ).content.decode()
    table = body[body.index('id="agencies-heading"'):]
    table = table[:table.index("</table>")]

    def cells(agency):
        row = _row_of(table, agency.name)
        return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)

    assert cells(answered) == cells(reminded) == cells(failed)
    # The round itself is reported as a count for the whole campaign.
    counts = body[body.index("agency-survey-counts"):]
    assert "督促" in counts[:counts.index("</dl>")]


# --- The national distribution of hearing levels ----------------------------------------------
def _publish_levels(item, hubs, levels, lead):
    for hub, level in zip(hubs, levels, strict=True):
        hearing = Hearing.objects.create(hub=hub, fiscal_year=YEAR,
                                         guideline=item.area.guideline, held_on=fiscal.today(),
                                         lead=lead, status=Hearing.Status.PUBLISHED,
                                         published_at=timezone.now())
        Score.objects.create(hearing=hearing, item=item, level=level, updated_by=lead)


def test_the_distribution_is_hidden_until_enough_hubs_are_published(client, cast, settings):
    settings.GUIDELINE_DISTRIBUTION_MIN_HUBS = 5
    item = ItemFactory(area__guideline__status="published", area__guideline__fiscal_year=YEAR)
    others = list(Hub.objects.exclude(pk__in=[cast.hub.pk]).order_by("jis_code")[:4])
    _publish_levels(item, [cast.hub, others[0]], [3, 1], cast.hq)
    client.force_login(cast.chief)
    url = reverse("evaluation:hub_result", args=[cast.hub.jis_code])
    page = client.get(url, {"year": YEAR})
    row = page.context["areas"][0].items.all()[0]
    assert row.spread is None  # with two hubs, the other's level would be plain to read
    body = page.content.decode()
    assert "5拠点以上" in body and "result-distribution-withheld" in body

    _publish_levels(item, others[1:], [2, 4, 4], cast.hq)
    row = client.get(url, {"year": YEAR}).context["areas"][0].items.all()[0]
    assert [(level, n) for level, n, _share in row.spread] == [(1, 1), (2, 1), (3, 1), (4, 2)]


# --- The plan dashboards: hubs beside their bureau, bureaus beside the nation -------------------
def _accepted_plan(hub, user):
    from evaluation.plans.models import AnnualPlan, PlanVersion

    plan = AnnualPlan.objects.create(hub=hub, fiscal_year=YEAR)
    PlanVersion.objects.create(plan=plan, number=1, content={"targets": {}}, submitted_by=user,
                               outcome="accepted")


def _satisfaction_cell(row):
    return next(actual for indicator, _target, actual in row.cells
                if indicator.code == "satisfaction")


def test_a_hub_row_hides_satisfaction_that_its_bureau_total_would_give_away(client, cast,
                                                                           settings):
    settings.SATISFACTION_MIN_ANSWERS = 5
    kanagawa = Hub.objects.get(jis_code="14")
    for hub in (cast.hub, kanagawa):
        _accepted_plan(hub, cast.chief)
    _satisfaction(cast.hub, cast.coordinator, [5] * 6)
    _satisfaction(kanagawa, cast.coordinator, [1, 1])  # too few on its own row
    client.force_login(cast.bureau)
    page = client.get(reverse("plans:plan_dashboard_bureau"), {"year": YEAR})
    section = next(s for s in page.context["sections"] if s.bureau == cast.hub.bureau)
    rows = {row.jis_code: row for row in section.rows}
    bureau_year = {p.indicator.code: p.actual_to_date for p in section.panels}["satisfaction"]
    assert bureau_year is not None  # 8 answers: shown
    assert _satisfaction_cell(rows["14"]) is None
    # Tokyo's 100% beside the bureau's 75% of 8 would tell that Kanagawa's 2 were unsatisfied.
    assert _satisfaction_cell(rows["13"]) is None


def test_a_bureau_row_hides_satisfaction_that_the_national_total_would_give_away(client, cast,
                                                                                settings):
    settings.SATISFACTION_MIN_ANSWERS = 5
    for hub, user in ((cast.hub, cast.chief), (cast.other_hub, cast.outsider)):
        _accepted_plan(hub, user)
    _satisfaction(cast.hub, cast.coordinator, [5] * 6)
    _satisfaction(cast.other_hub, cast.outsider, [1, 1])
    client.force_login(cast.hq)
    page = client.get(reverse("plans:plan_dashboard_national"), {"year": YEAR})
    national = {p.indicator.code: p.actual_to_date for p in page.context["panels"]}
    assert national["satisfaction"] is not None
    bureaus = {row.name: row for row in page.context["bureau_rows"]}
    assert _satisfaction_cell(bureaus[cast.other_hub.bureau.name]) is None
    assert _satisfaction_cell(bureaus[cast.hub.bureau.name]) is None
