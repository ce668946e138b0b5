"""The guideline's life (draft, published and frozen, copied to a new year), hearings scored
item by item with conflicts shown instead of lost, finalising, reopening with an audit entry,
and who sees the scores when."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Guideline, Hearing, HearingEvent, Item, Score
from hubs.roles import Role
from tests.hubs.factories import AppointmentFactory, UserFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def guideline(cast):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    return services.guideline_publish(guideline=draft, by=cast.hq)


@pytest.fixture
def second_hq():
    user = UserFactory()
    AppointmentFactory(user=user, role=Role.HQ)
    return user


def _hearing(cast, hub=None, lead=None):
    return services.hearing_schedule(hub=hub or cast.hub, fiscal_year=YEAR,
                                     held_on=fiscal.today(), lead=lead or cast.hq, by=cast.hq)


def _score_all(hearing, by, level=3):
    for item in Item.objects.filter(area__guideline=hearing.guideline):
        score = Score.objects.filter(hearing=hearing, item=item).first()
        services.score_save(hearing=hearing, item=item, by=by, level=level,
                            evidence=f"{item.code}の根拠", version=score.version if score else 0)


def _post_score(client, hearing, item, *, level, evidence="", version=0):
    return client.post(reverse("evaluation:score_save", args=[hearing.pk, item.pk]),
                       {"level": level, "evidence": evidence, "version": version},
                       HTTP_HX_REQUEST="true")


# --- The guideline ----------------------------------------------------------------------------
def test_starter_guideline_is_a_draft_marked_unofficial(cast):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    assert draft.status == Guideline.Status.DRAFT
    assert "叩き台" in draft.title and "公式" in draft.preface
    areas = {a.code for a in draft.areas.all()}
    assert {"A", "B", "C", "D", "E"} <= areas  # the four mission areas and hub management
    assert Item.objects.filter(area__guideline=draft).count() >= 16


def test_a_published_guideline_cannot_be_edited(client, cast, guideline):
    item = Item.objects.filter(area__guideline=guideline).first()
    with pytest.raises(services.WorkflowError):
        services.item_save(item=item, by=cast.hq, data={"behaviour": "書き換え"})
    with pytest.raises(services.WorkflowError):
        services.guideline_update(guideline=guideline, by=cast.hq,
                                  data={"title": "x", "preface": ""})
    with pytest.raises(services.WorkflowError):
        services.area_update(area=item.area, by=cast.hq, data={"title": "x", "description": ""})
    client.force_login(cast.hq)
    assert client.get(reverse("evaluation:item_edit", args=[item.pk])).status_code == 403
    assert client.get(reverse("evaluation:area_edit", args=[item.area_id])).status_code == 403
    assert client.post(reverse("evaluation:item_delete", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.behaviour != "書き換え"


def test_copying_to_a_new_year_makes_an_editable_draft(client, cast, guideline):
    client.force_login(cast.hq)
    response = client.post(reverse("evaluation:guideline_copy", args=[YEAR]))
    copy = Guideline.objects.get(fiscal_year=YEAR + 1)
    assert response.url == reverse("evaluation:guideline_detail", args=[YEAR + 1])
    assert copy.status == Guideline.Status.DRAFT and copy.copied_from == guideline
    originals = Item.objects.filter(area__guideline=guideline)
    copies = Item.objects.filter(area__guideline=copy)
    assert sorted(copies.values_list("code", "behaviour")) == sorted(
        originals.values_list("code", "behaviour"))
    edited = copies.first()
    client.post(reverse("evaluation:area_edit", args=[edited.area_id]),
                {"title": "新年度の分野名", "description": ""})
    assert copy.areas.filter(title="新年度の分野名").exists()
    assert not guideline.areas.filter(title="新年度の分野名").exists()
    services.item_save(item=edited, by=cast.hq, data={"behaviour": "新年度の表現"})
    assert not originals.filter(behaviour="新年度の表現").exists()  # the old year is untouched


def test_only_hq_edits_the_guideline_and_others_see_only_published_versions(client, cast):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    item = Item.objects.filter(area__guideline=draft).first()
    client.force_login(cast.chief)
    assert client.get(reverse("evaluation:guideline_detail", args=[YEAR])).status_code == 404
    assert client.get(reverse("evaluation:item_edit", args=[item.pk])).status_code == 403
    with pytest.raises(services.WorkflowError):
        services.guideline_publish(guideline=draft, by=cast.chief)
    services.guideline_publish(guideline=draft, by=cast.hq)
    assert client.get(reverse("evaluation:guideline_detail", args=[YEAR])).status_code == 200


# --- Scoring ----------------------------------------------------------------------------------
def test_two_hq_users_scoring_different_items_keep_both(client, cast, guideline, second_hq):
    hearing = _hearing(cast)
    first, second = Item.objects.filter(area__guideline=guideline)[:2]
    client.force_login(cast.hq)
    assert _post_score(client, hearing, first, level=4, evidence="事例集に掲載").status_code == 200
    client.force_login(second_hq)
    assert _post_score(client, hearing, second, level=2, evidence="一部のみ").status_code == 200
    scores = {s.item_id: (s.level, s.evidence, s.updated_by) for s in hearing.scores.all()}
    assert scores == {first.pk: (4, "事例集に掲載", cast.hq), second.pk: (2, "一部のみ", second_hq)}


def test_two_hq_users_scoring_the_same_item_see_the_conflict(client, cast, guideline, second_hq):
    hearing = _hearing(cast)
    item = Item.objects.filter(area__guideline=guideline).first()
    client.force_login(cast.hq)
    _post_score(client, hearing, item, level=4, evidence="本部Aの根拠", version=0)

    client.force_login(second_hq)  # opened the page before the first save: version 0
    response = _post_score(client, hearing, item, level=2, evidence="本部Bの根拠", version=0)
    assert response.status_code == 409
    page = response.content.decode()
    assert "本部Bの根拠" in page  # the second user's note is kept in the form
    assert f'value="4" id="lv-{item.pk}-4" checked' in page  # the saved level shown
    score = Score.objects.get(hearing=hearing, item=item)
    assert (score.level, score.evidence, score.updated_by) == (4, "本部Aの根拠", cast.hq)

    # Choosing again from the conflict row knowingly saves over the first user's input.
    again = _post_score(client, hearing, item, level=2, evidence="本部Bの根拠",
                        version=score.version)
    assert again.status_code == 200
    score.refresh_from_db()
    assert (score.level, score.updated_by) == (2, second_hq)


def test_finalising_needs_every_item_and_locks_the_scores(client, cast, guideline):
    hearing = _hearing(cast)
    with pytest.raises(services.WorkflowError):
        services.hearing_finalise(hearing=hearing, by=cast.hq)
    _score_all(hearing, cast.hq)
    services.hearing_finalise(hearing=hearing, by=cast.hq)
    item = Item.objects.filter(area__guideline=guideline).first()
    client.force_login(cast.hq)
    response = _post_score(client, hearing, item, level=1,
                           version=Score.objects.get(hearing=hearing, item=item).version)
    assert response.status_code == 423
    assert Score.objects.get(hearing=hearing, item=item).level == 3


def test_only_the_lead_finalises_and_reopening_leaves_an_audit_entry(cast, guideline,
                                                                     second_hq):
    hearing = _hearing(cast, lead=cast.hq)
    _score_all(hearing, second_hq)
    with pytest.raises(services.WorkflowError):
        services.hearing_finalise(hearing=hearing, by=second_hq)
    services.hearing_finalise(hearing=hearing, by=cast.hq)
    services.hearing_publish(hearing=hearing, by=cast.hq)
    with pytest.raises(services.WorkflowError):
        services.hearing_reopen(hearing=hearing, by=cast.hq, reason="  ")
    services.hearing_reopen(hearing=hearing, by=cast.hq, reason="A-2の根拠を再確認するため")
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.SCORING and hearing.published_at is None
    actions = list(hearing.events.order_by("at", "pk").values_list("action", "note"))
    assert actions == [("scheduled", ""), ("finalised", ""), ("published", ""),
                       ("reopened", "A-2の根拠を再確認するため")]


# --- Who sees what ---------------------------------------------------------------------------
def _published(cast, hub, level):
    hearing = _hearing(cast, hub=hub)
    _score_all(hearing, cast.hq, level=level)
    services.hearing_finalise(hearing=hearing, by=cast.hq)
    return services.hearing_publish(hearing=hearing, by=cast.hq)


def test_hub_users_see_no_scores_before_publication(client, cast, guideline):
    hearing = _hearing(cast)
    _score_all(hearing, cast.hq, level=4)
    services.hearing_finalise(hearing=hearing, by=cast.hq)
    url = reverse("evaluation:hub_result", args=[cast.hub.jis_code])
    for user in (cast.chief, cast.coordinator, cast.impl_org, cast.bureau):
        client.force_login(user)
        response = client.get(url)
        assert response.context["hearing"] is None
        assert "根拠" not in response.content.decode()
    services.hearing_publish(hearing=hearing, by=cast.hq)
    client.force_login(cast.chief)
    assert client.get(url).context["hearing"] == hearing


def test_hub_sees_the_national_distribution_but_no_other_hub_by_name(client, cast, guideline,
                                                                      settings):
    # The minimum: tests/surveys/test_results_anonymity.py.
    settings.GUIDELINE_DISTRIBUTION_MIN_HUBS = 2
    _published(cast, cast.hub, level=3)
    _published(cast, cast.other_hub, level=4)
    client.force_login(cast.chief)
    response = client.get(reverse("evaluation:hub_result", args=[cast.hub.jis_code]))
    page = response.content.decode()
    assert "宮城" not in page
    item = response.context["areas"][0].items.all()[0]
    assert item.score.level == 3
    assert [(level, n) for level, n, _share in item.spread] == [(1, 0), (2, 0), (3, 1), (4, 1)]
    # Another hub's result page is a 404, as if it did not exist.
    other = client.get(reverse("evaluation:hub_result", args=[cast.other_hub.jis_code]))
    assert other.status_code == 404


def test_hq_national_view_averages_by_area_and_flags_best_practice(client, cast, guideline):
    _published(cast, cast.hub, level=4)
    _published(cast, cast.other_hub, level=2)
    client.force_login(cast.hq)
    response = client.get(reverse("evaluation:national"), {"year": YEAR})
    rows = {row.hub.jis_code: row for row in response.context["rows"]}
    assert {cell.value for cell in rows["13"].cells} == {4}
    assert {cell.band for cell in rows["04"].cells} == {2}
    assert not rows["01"].scored
    first_item = response.context["item_areas"][0].items.all()[0]
    assert [hub.jis_code for hub in first_item.best] == ["13"]
    client.force_login(cast.chief)
    assert client.get(reverse("evaluation:national")).status_code == 403


def test_a_hearing_needs_the_years_published_guideline(cast):
    services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)  # a draft only
    with pytest.raises(services.WorkflowError):
        _hearing(cast)


def test_evidence_pack_counts_the_hubs_records(client, cast, guideline):
    from tests.consultations.factories import CaseFactory, SessionFactory

    SessionFactory(hub=cast.hub, case__lead=cast.coordinator)
    CaseFactory(hub=cast.hub, lead=cast.coordinator, depth="policy")
    hearing = _hearing(cast)
    client.force_login(cast.hq)
    evidence = client.get(reverse("evaluation:hearing_detail", args=[hearing.pk])
                          ).context["evidence"]
    assert evidence["figures"]["sessions"] == 1
    assert (evidence["expert_share"], evidence["policy_share"]) == (50.0, 50.0)
    assert HearingEvent.objects.filter(hearing=hearing, action="scheduled").exists()


# --- Query budgets ----------------------------------------------------------------------------
def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_evaluation_pages_run_a_fixed_number_of_queries(client, cast, guideline):
    from hubs.models import Hub

    own = _published(cast, cast.hub, level=3)
    client.force_login(cast.hq)
    pages = {  # each + 1 for the top bar's unread notifications
        "national": (reverse("evaluation:national"), 14),  # + the hearings to link to
        "result": (reverse("evaluation:hub_result", args=[cast.hub.jis_code]), 13),
        "score": (reverse("evaluation:hearing_score", args=[own.pk]), 13),
        # + the open improvement requests of earlier years, the self-study's narratives and
        # documents, last year's levels (evaluation/assessments, evaluation/selfstudy).
        "hearing": (reverse("evaluation:hearing_detail", args=[own.pk]), 27),
        "hearings": (reverse("evaluation:hearing_list"), 10),
        "guideline": (reverse("evaluation:guideline_detail", args=[YEAR]), 10),
    }
    small = {name: _queries(client, url) for name, (url, _budget) in pages.items()}
    for hub in Hub.objects.exclude(pk__in=[cast.hub.pk]).order_by("jis_code")[:8]:
        _published(cast, hub, level=2)
    for name, (url, budget) in pages.items():
        large = _queries(client, url)
        assert small[name] == large, f"{name}: {small[name]} queries, then {large}"
        assert large <= budget, f"{name}: {large} queries, budget {budget}"


def test_saving_the_hearing_record_never_undoes_a_finalisation(client, cast, guideline,
                                                                second_hq):
    hearing = _hearing(cast)
    url = reverse("evaluation:hearing_detail", args=[hearing.pk])
    client.force_login(second_hq)
    opened = client.get(url).context["form"].initial["version"]
    _score_all(hearing, cast.hq)
    services.hearing_finalise(hearing=hearing, by=cast.hq)  # while second_hq was typing
    data = {"held_on": fiscal.today().isoformat(), "lead": cast.hq.pk, "attendees": "",
            "notes": "後から入力したメモ", "version": opened}
    client.post(url, data)
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.FINALISED and hearing.notes == ""


def test_two_hq_users_editing_the_hearing_record_see_the_conflict(client, cast, guideline,
                                                                   second_hq):
    hearing = _hearing(cast)
    url = reverse("evaluation:hearing_detail", args=[hearing.pk])
    base = {"held_on": fiscal.today().isoformat(), "lead": cast.hq.pk, "attendees": "",
            "version": hearing.version}
    client.force_login(cast.hq)
    assert client.post(url, {**base, "notes": "本部Aのメモ"}).status_code == 302
    client.force_login(second_hq)
    response = client.post(url, {**base, "notes": "本部Bのメモ"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "本部Aのメモ" in page and "本部Bのメモ" in page
    hearing.refresh_from_db()
    assert hearing.notes == "本部Aのメモ"


def test_a_malformed_year_is_a_404_not_an_error(client, cast):
    client.force_login(cast.hq)
    assert client.get(reverse("evaluation:hearing_list"), {"year": "x"}).status_code == 404


def test_hq_schedules_a_hearing_through_the_page(client, cast, guideline):
    client.force_login(cast.hq)
    response = client.post(reverse("evaluation:hearing_schedule", args=[cast.hub.jis_code]),
                           {"held_on": fiscal.today().isoformat(), "lead": cast.hq.pk,
                            "attendees": "チーフ、実施機関", "notes": ""})
    hearing = Hearing.objects.get(hub=cast.hub, fiscal_year=YEAR)
    assert response.url == reverse("evaluation:hearing_detail", args=[hearing.pk])
    assert (hearing.attendees, hearing.lead, hearing.guideline) == ("チーフ、実施機関", cast.hq,
                                                                     guideline)
