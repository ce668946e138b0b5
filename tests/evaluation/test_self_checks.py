"""Self-checks: a coordinator rates themselves on the items of their role, saves a draft,
submits once every item has a level, and can no longer change it; the chief coordinator
reviews it with a comment. Self-checks are personal: colleagues, the implementing
organization, the bureau and HQ never open one (404, as for a missing one); the hub's summary
shows averages and counts only, computed in the database in a fixed number of queries.

Pages are read in English (the language switch's cookie) so that the assertions hold whether
or not the Japanese catalogue has the new messages yet."""

from datetime import date
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import selfchecks
from evaluation.models import Guideline, SelfCheck, SelfRating
from hubs.roles import Role
from tests.evaluation.factories import AreaFactory, GuidelineFactory, ItemFactory, SelfCheckFactory
from tests.hubs.factories import AppointmentFactory, UserFactory
from tests.pages import same_page
from yorozu.core import fiscal

YEAR, HALF = selfchecks.current_period()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def guideline(db):
    """This year's published guideline: area A with two coordinator items and one item for
    both roles, area B with one chief-only item."""
    guideline = GuidelineFactory(fiscal_year=YEAR, status=Guideline.Status.PUBLISHED)
    area_a = AreaFactory(guideline=guideline, code="A", title="経営課題の把握", sort_order=1)
    area_b = AreaFactory(guideline=guideline, code="B", title="拠点の運営", sort_order=2)
    ItemFactory(area=area_a, code="A1", behaviour="相談者の話を傾聴する", sort_order=1,
                level_1="傾聴していない", level_2="時々傾聴する",
                level_3="常に傾聴する", level_4="傾聴の手本となる")
    ItemFactory(area=area_a, code="A2", behaviour="課題を数値で捉える", sort_order=2)
    ItemFactory(area=area_a, code="A3", behaviour="支援機関につなぐ", sort_order=3,
                roles=[Role.COORDINATOR.value, Role.CHIEF.value])
    ItemFactory(area=area_b, code="B1", behaviour="コーディネーターを育成する", sort_order=1,
                roles=[Role.CHIEF.value])
    ItemFactory(area=area_b, code="B9", behaviour="実施機関だけの項目", sort_order=9,
                roles=[Role.IMPL_ORG.value])
    return guideline


def _url(name, *args):
    return reverse(f"evaluation:{name}", args=args)


def _start(client, cast, hub=None):
    return client.post(_url("selfcheck_start", (hub or cast.hub).jis_code))


def _levels(self_check) -> dict[str, int | None]:
    return {r.item.code: r.level for r in SelfRating.objects.filter(self_check=self_check)
            .select_related("item")}


def _form_data(self_check, levels: dict, comments: dict | None = None, action="save"):
    data = {"action": action}
    for rating in SelfRating.objects.filter(self_check=self_check).select_related("item"):
        code = rating.item.code
        if levels.get(code) is not None:
            data[f"level_{rating.item_id}"] = str(levels[code])
        data[f"comment_{rating.item_id}"] = (comments or {}).get(code, "")
    return data


def _submitted(cast, user=None, hub=None, **kwargs):
    return SelfCheckFactory(user=user or cast.coordinator, hub=hub or cast.hub,
                            status=SelfCheck.Status.SUBMITTED, **kwargs)


# --- Half-years --------------------------------------------------------------------------------
@pytest.mark.parametrize(("day", "half"), [(date(2025, 4, 1), 1), (date(2025, 9, 30), 1),
                                           (date(2025, 10, 1), 2), (date(2026, 3, 31), 2)])
def test_april_to_september_is_the_first_half_year(day, half):
    assert selfchecks.half_of(day) == half


# --- Starting, rating, submitting ----------------------------------------------------------
def test_coordinator_starts_this_half_years_self_check_on_the_items_of_their_role(
        english, cast, guideline):
    english.force_login(cast.coordinator)
    page = english.get(_url("selfcheck_mine")).content.decode()
    assert _url("selfcheck_start", cast.hub.jis_code) in page

    response = _start(english, cast)

    self_check = SelfCheck.objects.get(user=cast.coordinator)
    assert response.status_code == 302
    assert response.url == _url("selfcheck_edit", self_check.pk)
    assert (self_check.hub, self_check.role, self_check.guideline) == (
        cast.hub, Role.COORDINATOR, guideline)
    assert (self_check.fiscal_year, self_check.half) == (YEAR, HALF)
    assert _levels(self_check) == {"A1": None, "A2": None, "A3": None}
    # Starting again finds the same self-check instead of making a second one.
    assert _start(english, cast).url == response.url
    assert SelfCheck.objects.filter(user=cast.coordinator).count() == 1


def test_the_form_shows_each_item_with_its_four_descriptors_as_the_choices(english, cast,
                                                                           guideline):
    english.force_login(cast.coordinator)
    edit = _start(english, cast).url
    page = unescape(english.get(edit).content.decode())
    assert "A1 相談者の話を傾聴する" in page
    for descriptor in ("傾聴していない", "時々傾聴する", "常に傾聴する", "傾聴の手本となる"):
        assert descriptor in page
    assert page.count('type="radio"') == 3 * 4
    assert "コーディネーターを育成する" not in page  # the chief's item
    assert "実施機関だけの項目" not in page


def test_chief_rates_themselves_on_chief_items_only(english, cast, guideline):
    english.force_login(cast.chief)
    page = unescape(english.get(_start(english, cast).url).content.decode())
    self_check = SelfCheck.objects.get(user=cast.chief)
    assert self_check.role == Role.CHIEF
    assert _levels(self_check) == {"A3": None, "B1": None}
    assert "コーディネーターを育成する" in page and "支援機関につなぐ" in page
    assert "相談者の話を傾聴する" not in page and "課題を数値で捉える" not in page


def test_an_incomplete_self_check_cannot_be_submitted_and_keeps_the_input(english, cast,
                                                                          guideline):
    english.force_login(cast.coordinator)
    edit = _start(english, cast).url
    self_check = SelfCheck.objects.get(user=cast.coordinator)
    a2 = self_check.ratings.get(item__code="A2")

    response = english.post(edit, _form_data(self_check, {"A1": 4, "A3": 2},
                                             {"A1": "毎回要約して確認している"}, "submit"))

    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "Choose a level to submit the self-check." in page
    assert f'href="#item-{a2.item_id}"' in page  # the error summary points at the item
    assert "毎回要約して確認している" in page  # the comment is kept
    level_a1 = self_check.ratings.get(item__code="A1").item_id
    assert f'name="level_{level_a1}" value="4" class="form-check-input" required' not in page
    assert f'value="4" class="form-check-input" id="id_level_{level_a1}_3" checked' in page
    self_check.refresh_from_db()
    assert self_check.status == SelfCheck.Status.DRAFT
    assert _levels(self_check) == {"A1": None, "A2": None, "A3": None}  # nothing saved


def test_a_draft_saves_partly_and_is_submitted_once_complete(english, cast, guideline):
    english.force_login(cast.coordinator)
    edit = _start(english, cast).url
    self_check = SelfCheck.objects.get(user=cast.coordinator)

    draft = english.post(edit, _form_data(self_check, {"A1": 2}, {"A1": "改善中"}))
    assert draft.status_code == 302 and draft.url == edit
    assert _levels(self_check) == {"A1": 2, "A2": None, "A3": None}
    assert self_check.ratings.get(item__code="A1").comment == "改善中"
    self_check.refresh_from_db()
    assert self_check.status == SelfCheck.Status.DRAFT

    submitted = english.post(edit, _form_data(self_check, {"A1": 3, "A2": 2, "A3": 4},
                                              action="submit"), follow=True)
    assert "Submitted your self-check." in submitted.content.decode()
    self_check.refresh_from_db()
    assert self_check.status == SelfCheck.Status.SUBMITTED and self_check.submitted_at
    assert _levels(self_check) == {"A1": 3, "A2": 2, "A3": 4}


def test_a_submitted_self_check_is_read_only_for_its_owner(english, cast, guideline):
    self_check = _submitted(cast, levels=[3, 2, 4])
    english.force_login(cast.coordinator)
    url = _url("selfcheck_edit", self_check.pk)

    page = english.get(url).content.decode()
    assert 'type="radio"' not in page and 'name="action"' not in page
    assert "Level 3" in page and "Submitted" in page

    response = english.post(url, _form_data(self_check, {"A1": 1, "A2": 1, "A3": 1},
                                            action="submit"), follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert _levels(self_check) == {"A1": 3, "A2": 2, "A3": 4}
    with pytest.raises(selfchecks.NotEditable):
        selfchecks.self_check_save(self_check=self_check, by=cast.coordinator,
                                   answers={}, submit=False)


def test_the_service_refuses_an_incomplete_submission_too(cast, guideline):
    self_check = SelfCheckFactory(user=cast.coordinator, hub=cast.hub)
    a1 = self_check.ratings.get(item__code="A1").item_id
    with pytest.raises(selfchecks.Incomplete) as refused:
        selfchecks.self_check_save(self_check=self_check, by=cast.coordinator,
                                   answers={a1: (3, "")}, submit=True)
    assert len(refused.value.item_ids) == 2


# --- No published guideline ----------------------------------------------------------------
@pytest.mark.parametrize("draft_exists", [False, True])
def test_without_a_published_guideline_there_is_a_clear_message_and_nothing_to_start(
        english, cast, draft_exists):
    if draft_exists:
        draft = GuidelineFactory(fiscal_year=YEAR, status=Guideline.Status.DRAFT)
        ItemFactory(area=AreaFactory(guideline=draft))
    english.force_login(cast.coordinator)

    page = english.get(_url("selfcheck_mine")).content.decode()
    assert "HQ has not published the behavioural guideline" in page
    assert _url("selfcheck_start", cast.hub.jis_code) not in page

    response = _start(english, cast)
    assert response.status_code == 302 and response.url == _url("selfcheck_mine")
    assert "HQ has not published" in english.get(response.url).content.decode()
    assert not SelfCheck.objects.exists()


# --- Reviews -------------------------------------------------------------------------------
def test_the_chief_reviews_a_coordinators_self_check_with_a_comment(english, cast, guideline):
    self_check = _submitted(cast, levels=[2, 3, 4])
    english.force_login(cast.chief)

    queue = english.get(_url("selfcheck_review_list", cast.hub.jis_code)).content.decode()
    assert str(cast.coordinator) in queue and _url("selfcheck_edit", self_check.pk) in queue

    page = english.get(_url("selfcheck_edit", self_check.pk)).content.decode()
    assert str(cast.coordinator) in page and "Mark as reviewed" in page
    assert 'type="radio"' not in page  # the chief reads; only the owner rates

    empty = english.post(_url("selfcheck_review", self_check.pk), {"comment": "  "})
    assert empty.status_code == 200 and "error-summary" in empty.content.decode()

    done = english.post(_url("selfcheck_review", self_check.pk),
                        {"comment": "数値で捉える力が伸びています。"})
    assert done.status_code == 302
    assert done.url == _url("selfcheck_review_list", cast.hub.jis_code)
    self_check.refresh_from_db()
    assert self_check.status == SelfCheck.Status.REVIEWED
    assert (self_check.reviewed_by, self_check.review_comment) == (
        cast.chief, "数値で捉える力が伸びています。")
    assert _levels(self_check) == {"A1": 2, "A2": 3, "A3": 4}  # the ratings stay the owner's

    again = english.post(_url("selfcheck_review", self_check.pk), {"comment": "二度目"})
    assert again.status_code == 302
    self_check.refresh_from_db()
    assert self_check.review_comment == "数値で捉える力が伸びています。"

    english.force_login(cast.coordinator)
    own = english.get(_url("selfcheck_edit", self_check.pk)).content.decode()
    assert "数値で捉える力が伸びています。" in own and "Reviewed" in own


def test_only_the_chief_reviews_and_never_their_own_self_check(client, cast, guideline):
    coordinators = _submitted(cast)
    chiefs_own = _submitted(cast, user=cast.chief, role=Role.CHIEF)
    client.force_login(cast.coordinator)
    assert client.post(_url("selfcheck_review", coordinators.pk),
                       {"comment": "自分で"}).status_code == 403
    assert client.get(_url("selfcheck_review_list", cast.hub.jis_code)).status_code == 403
    client.force_login(cast.chief)
    assert client.post(_url("selfcheck_review", chiefs_own.pk),
                       {"comment": "自分で"}).status_code == 403
    assert client.get(_url("selfcheck_review", coordinators.pk)).status_code == 405
    assert {c.status for c in SelfCheck.objects.all()} == {SelfCheck.Status.SUBMITTED}


def test_the_chief_sees_a_draft_only_once_it_is_submitted(client, cast, guideline):
    draft = SelfCheckFactory(user=cast.coordinator, hub=cast.hub)
    client.force_login(cast.chief)
    assert client.get(_url("selfcheck_edit", draft.pk)).status_code == 404
    queue = client.get(_url("selfcheck_review_list", cast.hub.jis_code)).content.decode()
    assert str(cast.coordinator) not in queue


def test_the_chief_cannot_change_a_coordinators_ratings(client, cast, guideline):
    self_check = _submitted(cast, levels=[2, 2, 2])
    client.force_login(cast.chief)
    response = client.post(_url("selfcheck_edit", self_check.pk),
                           _form_data(self_check, {"A1": 4, "A2": 4, "A3": 4}, action="submit"))
    assert response.status_code == 403
    assert _levels(self_check) == {"A1": 2, "A2": 2, "A3": 2}


# --- Who opens an individual self-check ------------------------------------------------------


def test_a_coordinator_cannot_open_a_colleagues_or_another_hubs_self_check(client, cast,
                                                                           guideline):
    colleague = UserFactory()
    AppointmentFactory(user=colleague, role=Role.COORDINATOR, hub=cast.hub)
    colleagues = _submitted(cast, user=colleague)
    other_hubs = _submitted(cast, user=cast.outsider, hub=cast.other_hub)
    client.force_login(cast.coordinator)
    missing = client.get(_url("selfcheck_edit", 999999))
    for self_check in (colleagues, other_hubs):
        response = client.get(_url("selfcheck_edit", self_check.pk))
        assert response.status_code == 404
        assert same_page(response, missing)
        assert client.post(_url("selfcheck_review", self_check.pk),
                           {"comment": "x"}).status_code == 404


def test_a_chief_cannot_open_another_hubs_self_check(client, cast, guideline):
    other_hubs = _submitted(cast, user=cast.outsider, hub=cast.other_hub)
    client.force_login(cast.chief)
    assert client.get(_url("selfcheck_edit", other_hubs.pk)).status_code == 404
    assert client.get(_url("selfcheck_review_list", cast.other_hub.jis_code)).status_code == 404


@pytest.mark.parametrize("role", ["impl_org", "bureau", "hq", "admin"])
def test_no_one_but_the_owner_and_their_chief_opens_an_individual_self_check(client, cast,
                                                                            guideline, role):
    self_check = _submitted(cast)
    client.force_login(cast.by_role()[role])
    assert client.get(_url("selfcheck_edit", self_check.pk)).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("coordinator", 200), ("chief", 200),
                                              ("impl_org", 200), ("bureau", 403),
                                              ("hq", 403), ("admin", 403)])
def test_my_self_checks_is_for_those_who_rate_themselves(client, cast, role, status):
    client.force_login(cast.by_role()[role])
    assert client.get(_url("selfcheck_mine")).status_code == status


def test_starting_needs_the_self_check_permission_at_that_hub(client, cast, guideline):
    client.force_login(cast.hq)  # sees the hub's summary, does not rate itself there
    assert _start(client, cast).status_code == 403
    client.force_login(cast.coordinator)
    assert _start(client, cast, cast.other_hub).status_code == 404
    client.force_login(cast.bureau)
    assert _start(client, cast).status_code == 404
    assert client.get(_url("selfcheck_start", cast.hub.jis_code)).status_code == 405
    assert not SelfCheck.objects.exists()


# --- The summary ---------------------------------------------------------------------------
@pytest.fixture
def rated_hub(cast, guideline):
    """Three coordinators and the chief have submitted this year's first half; one draft
    does not count; last year's second half had three; another hub rated everything 1."""
    raters = []
    for levels, status in (([1, 2, 3], SelfCheck.Status.SUBMITTED),
                           ([3, 4, 3], SelfCheck.Status.REVIEWED),
                           ([4, 4, 2], SelfCheck.Status.SUBMITTED),
                           ([1, 1, 1], SelfCheck.Status.DRAFT)):
        user = UserFactory()
        AppointmentFactory(user=user, role=Role.COORDINATOR, hub=cast.hub)
        SelfCheckFactory(user=user, hub=cast.hub, guideline=guideline, half=1, status=status,
                         levels=levels)
        raters.append(user)
    SelfCheckFactory(user=cast.chief, hub=cast.hub, guideline=guideline, half=1,
                     role=Role.CHIEF, status=SelfCheck.Status.SUBMITTED, levels=[4, 2])
    raters.append(cast.chief)
    last_year = GuidelineFactory(fiscal_year=YEAR - 1, status=Guideline.Status.PUBLISHED)
    old_item = ItemFactory(area=AreaFactory(guideline=last_year, code="A", title="旧領域"),
                           code="A1", behaviour="旧い文言")
    for level in (2, 2, 3):
        SelfCheckFactory(user=UserFactory(), hub=cast.hub, guideline=last_year, half=2,
                         status=SelfCheck.Status.REVIEWED, levels=[level])
    assert old_item.area.guideline == last_year
    SelfCheckFactory(user=cast.outsider, hub=cast.other_hub, guideline=guideline, half=1,
                     status=SelfCheck.Status.SUBMITTED, levels=[1, 1, 1])
    return raters


def _cells(row) -> list:
    return [(cell["average"], cell["count"]) for cell in row["cells"]]


def test_the_trend_averages_submitted_self_checks_per_area_and_item(cast, rated_hub):
    trend = selfchecks.self_check_trend(user=cast.hq, hub=cast.hub, fiscal_year=YEAR)
    assert [(p["fiscal_year"], p["half"], p["responses"]) for p in trend["periods"]] == [
        (YEAR - 1, 1, 0), (YEAR - 1, 2, 3), (YEAR, 1, 4), (YEAR, 2, 0)]
    area_a, area_b = trend["areas"]
    assert (area_a["code"], area_a["title"]) == ("A", "経営課題の把握")  # this year's words
    # A: last year 2, 2 and 3; this year the coordinators' 1,2,3 / 3,4,3 / 4,4,2 and the chief's 4.
    assert _cells(area_a) == [(None, 0), (2.33, 3), (3.0, 4), (None, 0)]
    items = {item["code"]: item for item in area_a["items"]}
    assert items["A1"]["behaviour"] == "相談者の話を傾聴する"
    assert _cells(items["A1"]) == [(None, 0), (2.33, 3), (2.67, 3), (None, 0)]
    assert _cells(items["A2"]) == [(None, 0), (None, 0), (3.33, 3), (None, 0)]
    assert _cells(items["A3"]) == [(None, 0), (None, 0), (3.0, 4), (None, 0)]
    # Only the chief rates B1: one self-check, so no average that would be their own rating.
    assert _cells(area_b) == [(None, 0), (None, 0), (None, 1), (None, 0)]
    assert area_b["cells"][2]["hidden"]
    # The implementing organization rates itself on B9; nobody has yet.
    assert [item["code"] for item in area_b["items"]] == ["B1", "B9"]
    assert _cells(area_b["items"][1]) == [(None, 0)] * 4


def test_the_year_summary_for_the_hearing_gives_area_averages(cast, rated_hub):
    summary = selfchecks.self_check_summary(hub=cast.hub, fiscal_year=YEAR)
    assert summary == {
        "areas": [{"code": "A", "title": "経営課題の把握", "average": 3.0, "count": 4},
                  {"code": "B", "title": "拠点の運営", "average": None, "count": 1}],
        # Withheld: with area A's average it would give away the chief's own B1 rating.
        "overall": None,
        "responses": 4,
    }
    last_year = selfchecks.self_check_summary(hub=cast.hub, fiscal_year=YEAR - 1)
    assert last_year["areas"] == [{"code": "A", "title": "旧領域", "average": 2.33, "count": 3}]
    assert (last_year["overall"], last_year["responses"]) == (2.33, 3)
    nothing = selfchecks.self_check_summary(hub=cast.other_hub, fiscal_year=YEAR - 1)
    assert nothing["overall"] is None and nothing["responses"] == 0


def test_an_area_with_an_item_only_the_chief_rates_hides_its_average(cast, guideline):
    """B1 is rated by the chief alone: area B is withheld, and so is the overall average,
    which together with the other areas' averages would give the chief's B1 rating away."""
    for levels in ([2, 2, 2], [3, 3, 3]):
        user = UserFactory()
        AppointmentFactory(user=user, role=Role.COORDINATOR, hub=cast.other_hub)
        SelfCheckFactory(user=user, hub=cast.other_hub, guideline=guideline, half=1,
                         status=SelfCheck.Status.SUBMITTED, levels=levels)
    chief = UserFactory()
    AppointmentFactory(user=chief, role=Role.CHIEF, hub=cast.other_hub)
    SelfCheckFactory(user=chief, hub=cast.other_hub, guideline=guideline, half=1,
                     role=Role.CHIEF, status=SelfCheck.Status.SUBMITTED, levels=[4, 1])
    summary = selfchecks.self_check_summary(hub=cast.other_hub, fiscal_year=YEAR)
    by_code = {area["code"]: area for area in summary["areas"]}
    assert by_code["B"]["average"] is None and summary["overall"] is None
    # A1 and A2 have two ratings each: area A is withheld as well.
    assert by_code["A"]["average"] is None
    trend = selfchecks.self_check_trend(user=cast.hq, hub=cast.other_hub, fiscal_year=YEAR)
    for area in trend["areas"]:
        assert all(cell["average"] is None for cell in area["cells"]), area["code"]


def test_an_average_of_two_self_checks_is_hidden_as_each_could_work_out_the_other(cast,
                                                                                   guideline):
    for levels in ([1, 1, 1], [4, 4, 4]):
        SelfCheckFactory(user=UserFactory(), hub=cast.other_hub, guideline=guideline,
                         status=SelfCheck.Status.SUBMITTED, levels=levels)
    summary = selfchecks.self_check_summary(hub=cast.other_hub, fiscal_year=YEAR)
    assert summary["areas"][0] == {"code": "A", "title": "経営課題の把握", "average": None,
                                   "count": 2}
    assert (summary["overall"], summary["responses"]) == (None, 2)
    trend = selfchecks.self_check_trend(user=cast.hq, hub=cast.other_hub, fiscal_year=YEAR)
    assert all(cell["average"] is None for area in trend["areas"] for cell in area["cells"])


@pytest.mark.parametrize("role", ["coordinator", "chief", "impl_org", "hq"])
def test_the_summary_page_shows_averages_and_never_names(english, cast, rated_hub, role):
    english.force_login(cast.by_role()[role])
    response = english.get(_url("selfcheck_summary", cast.hub.jis_code))
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "<caption>" in page and 'scope="col"' in page and 'scope="row"' in page
    assert "2.67" in page and "3.33" in page and "2.33" in page
    assert "too few self-checks to show" in page
    for user in rated_hub:
        if user != cast.by_role()[role]:  # the navigation bar names whoever is logged in
            assert user.get_full_name() not in page and user.email not in page


def test_the_implementing_organization_sees_the_summary_but_no_individual_self_check(
        client, cast, rated_hub):
    client.force_login(cast.impl_org)
    for self_check in SelfCheck.objects.filter(hub=cast.hub):
        assert client.get(_url("selfcheck_edit", self_check.pk)).status_code == 404
    assert client.get(_url("selfcheck_summary", cast.hub.jis_code)).status_code == 200
    assert client.get(_url("selfcheck_review_list", cast.hub.jis_code)).status_code == 403


@pytest.mark.parametrize(("role", "own", "other"), [
    ("coordinator", 200, 404), ("chief", 200, 404), ("impl_org", 200, 404),
    ("bureau", 404, 404), ("hq", 200, 200), ("admin", 404, 404)])
def test_who_sees_the_summary_of_which_hub(client, cast, role, own, other):
    client.force_login(cast.by_role()[role])
    assert client.get(_url("selfcheck_summary", cast.hub.jis_code)).status_code == own
    assert client.get(_url("selfcheck_summary", cast.other_hub.jis_code)).status_code == other


def _grow(cast, guideline, n):
    for _ in range(n):
        for hub in (cast.hub, cast.other_hub):
            user = UserFactory()
            AppointmentFactory(user=user, role=Role.COORDINATOR, hub=hub)
            SelfCheckFactory(user=user, hub=hub, guideline=guideline, half=1,
                             status=SelfCheck.Status.SUBMITTED, levels=[1, 2, 3])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["impl_org", "hq"])
def test_the_summary_page_runs_the_same_queries_whatever_the_number_of_self_checks(
        client, cast, guideline, role):
    client.force_login(cast.by_role()[role])
    url = _url("selfcheck_summary", cast.hub.jis_code)
    _grow(cast, guideline, 2)
    small = _queries(client, url)
    _grow(cast, guideline, 15)
    assert _queries(client, url) == small
    assert small <= 13  # + the top bar's unread notifications


def test_the_hearing_summary_runs_a_fixed_number_of_queries(cast, guideline,
                                                            django_assert_num_queries):
    _grow(cast, guideline, 5)
    with django_assert_num_queries(5):
        selfchecks.self_check_summary(hub=cast.hub, fiscal_year=YEAR)


def test_my_self_checks_lists_my_own_with_links_for_the_chief(english, cast, guideline):
    old = GuidelineFactory(fiscal_year=YEAR - 1, status=Guideline.Status.PUBLISHED)
    SelfCheckFactory(user=cast.chief, hub=cast.hub, guideline=old, role=Role.CHIEF,
                     status=SelfCheck.Status.REVIEWED)
    _submitted(cast)
    english.force_login(cast.chief)
    page = english.get(_url("selfcheck_mine")).content.decode()
    assert fiscal.fiscal_year_label(YEAR - 1) in page
    assert _url("selfcheck_review_list", cast.hub.jis_code) in page
    assert "1<span class=\"visually-hidden\"> awaiting review" in page
    assert _url("selfcheck_summary", cast.hub.jis_code) in page
    assert str(cast.coordinator) not in page
