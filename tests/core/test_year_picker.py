"""Year-based pages offer a year picker (a GET form: a labelled select and a button), and the
evaluation pages, opened without a year while the current year's guideline is unpublished,
show the latest year that has one and say so, instead of an empty page."""

import re

import pytest
from django.urls import reverse

from evaluation import services
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()
LAST = YEAR - 1


@pytest.fixture
def last_years_results(cast):
    """Last year's guideline is published and the Tokyo hub's hearing of it published; this
    year's guideline is still a draft (as every spring)."""
    draft = services.guideline_create_from_starter(fiscal_year=LAST, by=cast.hq)
    guideline = services.guideline_publish(guideline=draft, by=cast.hq)
    hearing = services.hearing_schedule(hub=cast.hub, fiscal_year=LAST,
                                        held_on=fiscal.fiscal_year_start(LAST), lead=cast.hq,
                                        by=cast.hq)
    for item in guideline.areas.first().items.all():
        services.score_save(hearing=hearing, item=item, by=cast.hq, level=3, evidence="",
                            version=0)
    for area in guideline.areas.all()[1:]:
        for item in area.items.all():
            services.score_save(hearing=hearing, item=item, by=cast.hq, level=2, evidence="",
                                version=0)
    services.hearing_finalise(hearing=hearing, by=cast.hq)
    services.hearing_publish(hearing=hearing, by=cast.hq)
    services.guideline_copy(source=guideline, fiscal_year=YEAR, by=cast.hq)  # a draft
    return hearing


def _options(page: str) -> list[int]:
    select = re.search(r'<select[^>]*name="year"[^>]*>(.*?)</select>', page, re.S)
    assert select, "no year picker"
    return [int(v) for v in re.findall(r'<option value="(\d+)"', select.group(1))]


def _selected(page: str) -> int:
    return int(re.search(r'<option value="(\d+)" selected', page).group(1))


def _has_labelled_picker(page: str) -> bool:
    return ('<form method="get" class="year-picker' in page
            and '<label class="form-label small mb-1" for="year-picker">年度</label>' in page
            and 'id="year-picker"' in page and '<button type="submit"' in page)


EVALUATION_PAGES = [
    ("hq", "evaluation:national", []),
    ("hq", "evaluation:hearing_list", []),
    ("chief", "evaluation:hub_result", ["13"]),
    ("impl_org", "evaluation:selfcheck_summary", ["13"]),
]


@pytest.mark.parametrize(("role", "name", "args"), EVALUATION_PAGES)
def test_an_evaluation_page_opens_on_the_latest_year_with_a_guideline_and_says_so(
        client, cast, last_years_results, role, name, args):
    client.force_login(cast.by_role()[role])
    page = client.get(reverse(name, args=args)).content.decode()
    assert _has_labelled_picker(page)
    assert _options(page) == [YEAR, LAST]
    assert _selected(page) == LAST
    assert "year-passed-over" in page
    assert f"{fiscal.fiscal_year_label(YEAR)}の行動指針はまだ公開されていない" in page


@pytest.mark.parametrize(("role", "name", "args"), EVALUATION_PAGES)
def test_the_picked_year_is_shown_without_a_note(client, cast, last_years_results, role,
                                                 name, args):
    client.force_login(cast.by_role()[role])
    page = client.get(reverse(name, args=args), {"year": YEAR}).content.decode()
    assert _selected(page) == YEAR
    assert "year-passed-over" not in page


def test_last_years_results_show_by_default_in_spring(client, cast, last_years_results):
    client.force_login(cast.chief)
    page = client.get(reverse("evaluation:hub_result", args=["13"])).content.decode()
    assert "result-table" in page and "レベル3" in page
    client.force_login(cast.hq)
    page = client.get(reverse("evaluation:national")).content.decode()
    assert "heat-map" in page


def test_a_past_years_hearing_list_offers_no_scheduling(client, cast, last_years_results):
    """Hearings are scheduled for the current year only: a past year's list links none."""
    client.force_login(cast.hq)
    page = client.get(reverse("evaluation:hearing_list")).content.decode()
    assert _selected(page) == LAST
    assert reverse("evaluation:hearing_schedule", args=["04"]) not in page
    assert reverse("evaluation:hearing_detail", args=[last_years_results.pk]) in page


def test_with_this_years_guideline_published_the_pages_open_on_this_year(client, cast):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    services.guideline_publish(guideline=draft, by=cast.hq)
    client.force_login(cast.hq)
    page = client.get(reverse("evaluation:national")).content.decode()
    assert _selected(page) == YEAR and "year-passed-over" not in page


def test_with_no_guideline_at_all_the_current_year_is_shown(client, cast):
    client.force_login(cast.hq)
    page = client.get(reverse("evaluation:national")).content.decode()
    assert _options(page) == [YEAR] and "year-passed-over" not in page


@pytest.mark.parametrize(("role", "name", "args"), [
    ("chief", "surveys:satisfaction_results", ["13"]),
    ("chief", "plans:plan_dashboard_hub", ["13"]),
    ("bureau", "plans:plan_dashboard_bureau", []),
    ("hq", "plans:plan_dashboard_national", []),
])
def test_other_year_based_pages_have_the_same_picker(client, cast, role, name, args):
    client.force_login(cast.by_role()[role])
    page = client.get(reverse(name, args=args), {"year": LAST}).content.decode()
    assert _has_labelled_picker(page)
    assert _selected(page) == LAST
    assert YEAR in _options(page)


@pytest.mark.parametrize("value", ["x", "1999", "99999"])
def test_a_year_that_is_no_year_is_a_404(client, cast, value):
    client.force_login(cast.hq)
    assert client.get(reverse("evaluation:national"), {"year": value}).status_code == 404


def test_the_picker_always_offers_the_current_year_and_the_one_shown(rf):
    from yorozu.core import years

    picker = years.year_picker(rf.get("/", {"year": "2010"}), years_with_data=[LAST])
    assert [y for y, _label in picker.choices] == [YEAR, LAST, 2010]
    assert picker.year == 2010 and picker.passed_over is None
