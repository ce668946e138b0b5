"""HQ's multi-faceted evaluation: every axis from the records, the composite as the weighted
mean of the axes shown, drill-downs that list exactly what each figure counts, finalising
that freezes the figures and the weights, publication to the hub and its bureau only, and
improvement requests carried into the next year's plan and evidence pack."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from consultations.models import Case, Referral
from evaluation.assessments import axes, practices, selectors, services
from evaluation.assessments.axes import AxisValue
from evaluation.assessments.models import (
    Assessment,
    AxisWeights,
    BestPractice,
    ImprovementRequest,
)
from evaluation.models import Hearing, Score
from tests.consultations.factories import CaseFactory, ReferralFactory
from tests.evaluation.factories import published_guideline
from tests.hubs.factories import AgencyFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year() - 1  # a year that has ended: every date of it is past
IN_YEAR = date(YEAR, 6, 10)
WEIGHTS = {code: 0 for code in axes.CODES} | {"guideline": 30, "follow_up": 20,
                                               "expert_share": 10}


def test_the_composite_is_the_weighted_mean_of_the_scored_axes():
    values = {"guideline": AxisValue(score=Decimal("83.3")),
              "follow_up": AxisValue(score=Decimal("75.0")),
              "satisfaction": AxisValue(score=None, withheld=True)}
    weights = {"guideline": 30, "follow_up": 20, "satisfaction": 50}
    # (30 x 83.3 + 20 x 75.0) / (30 + 20) = 3999 / 50 = 79.98: the withheld axis takes no part
    assert axes.composite(values, weights) == Decimal("80.0")
    assert axes.composite(values, {"satisfaction": 50}) is None
    assert axes.composite({"follow_up": AxisValue(score=Decimal("12.25"))},
                          {"follow_up": 1}) == Decimal("12.3")  # half up, as people round


@pytest.fixture
def year_records(cast):
    """Tokyo's fiscal year: a finalised hearing at levels 4, 3, 3 (mean 3.33); four referrals
    due, three followed up; four new cases, one expert proposal. Miyagi has records too, which
    must not count for Tokyo."""
    guideline = published_guideline(fiscal_year=YEAR, by=cast.hq)
    hearing = Hearing.objects.create(hub=cast.hub, fiscal_year=YEAR, guideline=guideline,
                                     held_on=IN_YEAR, lead=cast.hq,
                                     status=Hearing.Status.FINALISED)
    items = [item for area in guideline.areas.all() for item in area.items.all()][:3]
    for item, level in zip(items, [4, 3, 3], strict=True):
        Score.objects.create(hearing=hearing, item=item, level=level)
    agency = AgencyFactory(hub=cast.hub)
    statuses = [Referral.Status.REPORTED, Referral.Status.CLOSED, Referral.Status.REPORTED,
                Referral.Status.SENT]
    cases = [CaseFactory(hub=cast.hub, lead=cast.coordinator, opened_on=IN_YEAR,
                         depth=Case.Depth.EXPERT if n == 0 else Case.Depth.POLICY)
             for n in range(4)]
    for case, status in zip(cases, statuses, strict=True):
        ReferralFactory(hub=cast.hub, case=case, agency=agency, follow_up_due=IN_YEAR,
                        status=status)
    other = CaseFactory(hub=cast.other_hub, lead=cast.outsider, opened_on=IN_YEAR)
    ReferralFactory(hub=cast.other_hub, case=other, agency=AgencyFactory(hub=cast.other_hub),
                    follow_up_due=IN_YEAR, status=Referral.Status.SENT)
    return hearing


def _set_weights(client, hq, weights, version=None):
    client.force_login(hq)
    data = dict(weights)
    if version is not None:
        data["version"] = version
    return client.post(reverse("assessments:weights", args=[YEAR]), data)


def _hub_page(client, user, hub):
    client.force_login(user)
    return client.get(reverse("assessments:hub", args=[hub.jis_code]), {"year": YEAR})


def test_each_axis_is_computed_from_the_hubs_own_records(cast, year_records):
    found = axes.computed(hub_ids=[cast.hub.pk], fiscal_year=YEAR)[cast.hub.pk]
    assert found.get("guideline").score == Decimal("77.8")  # (10/3 - 1) / 3 x 100 = 77.78
    assert found.get("guideline").whole == 3
    assert (found.get("follow_up").part, found.get("follow_up").whole) == (3, 4)
    assert found.get("follow_up").score == Decimal("75.0")
    assert (found.get("expert_share").part, found.get("expert_share").whole) == (1, 4)
    assert found.get("expert_share").score == Decimal("25.0")
    for code in ("plan_standard", "plan_priority", "satisfaction", "agency_survey",
                 "outcomes"):
        assert found.get(code).score is None, code  # no plan, answers, survey or snapshots


def test_the_page_shows_the_composite_and_a_weight_change_recomputes_it(client, cast,
                                                                          year_records):
    assert _set_weights(client, cast.hq, WEIGHTS).status_code == 302
    client.post(reverse("assessments:hub", args=[cast.hub.jis_code]) + f"?year={YEAR}")
    page = _hub_page(client, cast.hq, cast.hub)
    # (30 x 77.8 + 20 x 75.0 + 10 x 25.0) / 60 = 4084 / 60 = 68.07
    assert page.context["composite"] == Decimal("68.1")
    weights = AxisWeights.objects.get(fiscal_year=YEAR)
    changed = WEIGHTS | {"expert_share": 40}
    assert _set_weights(client, cast.hq, changed, version=weights.version).status_code == 302
    page = _hub_page(client, cast.hq, cast.hub)
    # (30 x 77.8 + 20 x 75.0 + 40 x 25.0) / 90 = 4834 / 90 = 53.71
    assert page.context["composite"] == Decimal("53.7")
    assert "53.7" in page.content.decode()


def test_each_drill_down_lists_the_records_behind_its_figure(client, cast, year_records):
    assessment = services.assessment_start(hub=cast.hub, fiscal_year=YEAR, by=cast.hq)
    client.force_login(cast.hq)
    values = axes.computed(hub_ids=[cast.hub.pk], fiscal_year=YEAR)[cast.hub.pk]

    def drill(code):
        return client.get(reverse("assessments:axis", args=[assessment.pk, code])).context

    follow = drill("follow_up")
    assert (follow["followed"], follow["total"]) == (values.get("follow_up").part,
                                                     values.get("follow_up").whole)
    assert len(follow["page"].object_list) == 4
    expert = drill("expert_share")
    assert (expert["expert"], expert["total"]) == (1, 4)
    guideline = drill("guideline")
    assert (guideline["level_sum"], guideline["total"]) == (10, 3)


def test_the_bureau_sees_the_counts_of_an_axis_over_client_records_but_not_the_records(
        client, cast, year_records):
    assessment = services.assessment_start(hub=cast.hub, fiscal_year=YEAR, by=cast.hq)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.PUBLISHED)
    client.force_login(cast.bureau)
    page = client.get(reverse("assessments:axis", args=[assessment.pk, "follow_up"]))
    assert page.status_code == 200 and page.context["records_hidden"]
    assert "records" not in page.context and "page" not in page.context


def test_finalising_freezes_the_figures_and_the_weights(client, cast, year_records):
    _set_weights(client, cast.hq, WEIGHTS)
    assessment = services.assessment_start(hub=cast.hub, fiscal_year=YEAR, by=cast.hq)
    services.assessment_finalise(assessment=assessment, version=assessment.version, by=cast.hq)
    # A late referral of the year, followed up: the finalised evaluation does not move.
    ReferralFactory(hub=cast.hub, case=CaseFactory(hub=cast.hub, lead=cast.coordinator,
                                                    opened_on=IN_YEAR),
                    agency=AgencyFactory(hub=cast.hub), follow_up_due=IN_YEAR,
                    status=Referral.Status.CLOSED)
    page = _hub_page(client, cast.hq, cast.hub)
    assert page.context["composite"] == Decimal("68.1")
    follow = page.context["evaluated"].values.get("follow_up")
    assert (follow.part, follow.whole) == (3, 4)
    refused = _set_weights(client, cast.hq, WEIGHTS | {"guideline": 90},
                           version=AxisWeights.objects.get(fiscal_year=YEAR).version)
    assert refused.status_code == 200 and "固定" in str(refused.context["form"].errors)
    assert AxisWeights.objects.get(fiscal_year=YEAR).guideline == 30


def test_only_a_published_evaluation_reaches_the_hub_and_its_bureau(client, cast,
                                                                     year_records):
    _set_weights(client, cast.hq, WEIGHTS)
    assessment = services.assessment_start(hub=cast.hub, fiscal_year=YEAR, by=cast.hq)
    for user in (cast.chief, cast.bureau):
        assert _hub_page(client, user, cast.hub).context["assessment"] is None
        axis = client.get(reverse("assessments:axis", args=[assessment.pk, "guideline"]))
        assert axis.status_code == 404
    services.assessment_finalise(assessment=assessment, version=assessment.version, by=cast.hq)
    services.assessment_publish(assessment=assessment, by=cast.hq)
    for user in (cast.coordinator, cast.chief, cast.impl_org, cast.bureau):
        page = _hub_page(client, user, cast.hub)
        assert page.context["composite"] == Decimal("68.1"), user
        assert page.context["summary_form"] is None and page.context["request_form"] is None
    client.force_login(cast.outsider)  # Miyagi's coordinator: Tokyo's page is a 404
    assert client.get(reverse("assessments:hub", args=[cast.hub.jis_code])).status_code == 404


def test_only_hq_finalises_and_a_stale_finalise_is_refused(client, cast, year_records):
    _set_weights(client, cast.hq, WEIGHTS)
    assessment = services.assessment_start(hub=cast.hub, fiscal_year=YEAR, by=cast.hq)
    client.force_login(cast.chief)
    assert client.post(reverse("assessments:finalise", args=[assessment.pk]),
                       {"version": assessment.version}).status_code == 404
    client.force_login(cast.hq)
    client.post(reverse("assessments:comment", args=[assessment.pk]),
                {"summary": "連携が進んだ。", "version": assessment.version})
    # A finalise from a page read before the comment was saved: refused, still a draft.
    client.post(reverse("assessments:finalise", args=[assessment.pk]),
                {"version": assessment.version})
    assert Assessment.objects.get(pk=assessment.pk).is_draft
    client.post(reverse("assessments:finalise", args=[assessment.pk]),
                {"version": assessment.version + 1})
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.FINALISED


def _published_with_request(cast):
    assessment = Assessment.objects.create(hub=cast.hub, fiscal_year=YEAR, created_by=cast.hq,
                                           status=Assessment.Status.PUBLISHED)
    request = services.request_add(assessment=assessment, by=cast.hq, data={
        "title": "紹介先からの報告の督促", "reason": "フォローアップ率が低い。",
        "due_on": date(YEAR + 1, 9, 30)})
    return assessment, request


def test_the_hub_answers_a_request_and_the_bureau_follows_it_up(client, cast):
    _assessment, request = _published_with_request(cast)
    url = reverse("assessments:action_add", args=[request.pk])
    client.force_login(cast.coordinator)
    assert client.post(url, {"text": "x", "owner": "y"}).status_code == 403
    client.force_login(cast.chief)
    empty = client.post(url, {"text": "", "owner": ""})
    assert empty.status_code == 200 and empty.context["action_form"].errors
    client.post(url, {"text": "毎週の会議で未報告を確認する。", "owner": "チーフコーディネーター"})
    assert request.actions.get().owner == "チーフコーディネーター"
    client.force_login(cast.bureau)
    follow = reverse("assessments:follow_up_add", args=[request.pk])
    client.post(follow, {"status": "done", "comment": "確認した。", "version": request.version})
    request.refresh_from_db()
    assert request.status == ImprovementRequest.Status.DONE
    assert request.follow_ups.get().comment == "確認した。"
    # A follow-up from a page read before that one: shown as a conflict, nothing overwritten.
    stale = client.post(follow, {"status": "open", "comment": "", "version": 1})
    assert stale.status_code == 409 and stale.context["conflict"]
    assert ImprovementRequest.objects.get(pk=request.pk).status == "done"


def test_another_bureau_and_another_hub_cannot_reach_a_request(client, cast):
    _assessment, request = _published_with_request(cast)
    client.force_login(cast.outsider)
    assert client.get(reverse("assessments:request_detail",
                              args=[request.pk])).status_code == 404


def test_open_requests_carry_into_next_years_plan_and_evidence_pack(client, cast):
    _assessment, request = _published_with_request(cast)
    client.force_login(cast.chief)
    plan_page = client.get(reverse("plans:plan_detail", args=[cast.hub.jis_code, YEAR + 1]))
    assert request.title in plan_page.content.decode()
    same_year = client.get(reverse("plans:plan_detail", args=[cast.hub.jis_code, YEAR]))
    assert request.title not in same_year.content.decode()
    assert [r.pk for r in selectors.open_requests(user=cast.chief,
                                                  before_year=YEAR + 1)] == [request.pk]
    assert not selectors.open_requests(user=cast.outsider, before_year=YEAR + 1).exists()
    request.status = ImprovementRequest.Status.DONE
    request.save()
    assert not selectors.open_requests(user=cast.chief, before_year=YEAR + 1).exists()


def _todo_labels(client, user) -> list[str]:
    client.force_login(user)
    return [str(item.label) for item in client.get(reverse("home")).context["todo"]]


def test_the_home_page_lists_requests_for_each_side_of_the_loop(client, cast):
    _published_with_request(cast)
    assert "改善要望（対応策が未登録）" in _todo_labels(client, cast.chief)
    assert "未完了の改善要望" in _todo_labels(client, cast.bureau)
    assert "未完了の改善要望" in _todo_labels(client, cast.hq)
    assert not [label for label in _todo_labels(client, cast.outsider) if "改善要望" in label]


def test_the_national_view_lists_every_hub_with_the_median(client, cast, year_records):
    _set_weights(client, cast.hq, WEIGHTS)
    page = client.get(reverse("assessments:national"), {"year": YEAR, "sort": "overall"})
    rows = [row for group in page.context["groups"] for row in group.rows]
    assert len(rows) == 47
    assert rows[0].hub == cast.hub and rows[0].overall.value == pytest.approx(68.1)
    # Miyagi: its one referral due not followed up (0.0), its one new case an expert proposal
    # (100.0): (20 x 0 + 10 x 100) / 30 = 33.3.
    assert rows[1].hub == cast.other_hub and rows[1].overall.value == pytest.approx(33.3)
    assert page.context["median_overall"].value == pytest.approx(50.7)  # (68.1 + 33.3) / 2
    grouped = client.get(reverse("assessments:national"), {"year": YEAR, "group": "bureau"})
    assert len(grouped.context["groups"]) == 9


def test_a_best_practice_reaches_every_hub_only_with_the_hubs_consent(client, cast,
                                                                       year_records):
    top = Score.objects.get(hearing=year_records, level=4)
    third = Score.objects.filter(hearing=year_records, level=3).first()
    data = {"title": "週次の案件会議", "description": "全員で案件を共有する。",
            "evidence": "会議録と紹介後の報告率"}
    with pytest.raises(services.WorkflowError):  # level 3: not a top-scored practice
        practices.practice_mark(hub=cast.hub, fiscal_year=YEAR, item=third.item, data=data,
                                by=cast.hq)
    client.force_login(cast.hq)
    url = reverse("assessments:practice_mark") + f"?year={YEAR}"
    client.post(url, {"candidate": f"{cast.hub.pk}:{top.item_id}", **data})
    practice = BestPractice.objects.get()
    assert practice.status == BestPractice.Status.PROPOSED

    def titles(user):
        client.force_login(user)
        page = client.get(reverse("assessments:practice_list"))
        return [row.title for row in page.context["published"]]

    assert titles(cast.outsider) == []
    client.force_login(cast.hq)  # not consented yet: refused
    client.post(reverse("assessments:practice_publish", args=[practice.pk]))
    assert BestPractice.objects.get().status == BestPractice.Status.PROPOSED
    client.force_login(cast.chief)
    consent = client.post(reverse("assessments:practice_consent", args=[practice.pk]))
    assert consent.status_code == 302, consent.status_code
    assert BestPractice.objects.get().status == BestPractice.Status.CONSENTED
    client.force_login(cast.hq)
    client.post(reverse("assessments:practice_publish", args=[practice.pk]))
    assert BestPractice.objects.get().status == BestPractice.Status.PUBLISHED
    assert titles(cast.outsider) == ["週次の案件会議"]


def test_a_draft_evaluation_and_the_national_view_read_the_same_queries_as_records_grow(
        client, cast, year_records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _set_weights(client, cast.hq, WEIGHTS)
    assessment = services.assessment_start(hub=cast.hub, fiscal_year=YEAR, by=cast.hq)
    pages = [reverse("assessments:hub", args=[cast.hub.jis_code]) + f"?year={YEAR}",
             reverse("assessments:national") + f"?year={YEAR}",
             reverse("assessments:axis", args=[assessment.pk, "follow_up"])]
    client.force_login(cast.hq)

    def counts():
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    for hub in (cast.hub, cast.other_hub):
        agency = AgencyFactory(hub=hub)
        for _ in range(5):
            case = CaseFactory(hub=hub, lead=cast.coordinator if hub == cast.hub
                               else cast.outsider, opened_on=IN_YEAR)
            ReferralFactory(hub=hub, case=case, agency=agency, follow_up_due=IN_YEAR,
                            status=Referral.Status.REPORTED)
    assert counts() == few
