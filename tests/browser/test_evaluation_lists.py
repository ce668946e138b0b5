"""The evaluation lists at a laptop's width (1366 px) and a phone's (390 px): HQ's hearing list,
the bureau's plan review queue, the chief's self-checks to review and the agency surveys sort
by a column, no Japanese column wraps one character
per line, axe finds nothing, and on the queue the bureau reaches the review button (to the
plan page's start, accept and return) without scrolling sideways."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from evaluation.models import Hearing, SelfCheck
from evaluation.plans import content as plan_content
from evaluation.plans import services as plan_services
from evaluation.plans.models import AnnualPlan
from evaluation.surveys.models import AgencySurvey
from hubs.models import Hub
from tests.evaluation.factories import GuidelineFactory, ItemFactory, SelfCheckFactory
from yorozu.core import fiscal

from .conftest import assert_accessible, sign_in
from .screens import shoot
from .test_lists import _assert_within_the_width, _check_no_one_character_lines

pytestmark = pytest.mark.browser

WIDTHS = [1366, 390]
YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def evaluation_rows(users):
    """Hearings at three hubs this year; Tokyo's plan submitted to the bureau; a coordinator's
    self-check awaiting the chief's review and one reviewed; an agency survey."""
    guideline = GuidelineFactory(fiscal_year=YEAR)
    ItemFactory(area__guideline=guideline)
    SelfCheckFactory(user=users.coordinator, hub=users.hub, guideline=guideline,
                     status=SelfCheck.Status.SUBMITTED)
    SelfCheckFactory(user=users.coordinator, hub=users.hub, guideline=guideline, half=2,
                     status=SelfCheck.Status.REVIEWED, reviewed_by=users.chief,
                     reviewed_at=timezone.now())
    AgencySurvey.objects.create(hub=users.hub, fiscal_year=YEAR, title="支援機関との連携調査",
                                deadline=fiscal.today(), created_by=users.impl_org)
    for code in ("13", "04", "27"):
        Hearing.objects.create(hub=Hub.objects.get(jis_code=code), fiscal_year=YEAR,
                               guideline=guideline, held_on=fiscal.today(), lead=users.hq)
    plan = plan_services.plan_get_or_create(hub=users.hub, fiscal_year=YEAR, by=users.chief)
    content = plan_content.normalize(plan.content)
    content["initiatives"] = "専門家派遣の強化"
    plan = plan_services.plan_update(plan=plan, by=users.chief, content=content,
                                     version=plan.version)
    plan_services.plan_confirm(plan=plan, by=users.chief)
    plan_services.plan_confirm(plan=AnnualPlan.objects.get(pk=plan.pk), by=users.impl_org)


def _sort_by_first_column(page: Page) -> None:
    first = page.locator("table.list-table").first.locator("thead th").first
    first.get_by_role("link").click()
    expect(first).to_have_attribute("aria-sort", re.compile("ascending|descending"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("role", "path", "name"), [
    ("hq", "/evaluation/hearings/", "hearings"),
    ("bureau", "/evaluation/plans/review/", "plan-review"),
    ("chief", "/evaluation/self-checks/review/13/", "self-checks"),
    ("impl_org", "/evaluation/surveys/agencies/13/", "agency-surveys")])
def test_evaluation_lists_sort_and_stay_readable(page, users, evaluation_rows, role, path,
                                                 name, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, users.by_role()[role])
    page.goto(path)
    expect(page.locator("table.list-table tbody tr").first).to_be_visible()
    shoot(page, f"evl-{name}")
    _check_no_one_character_lines(page, "table.list-table")
    assert_accessible(page)

    if name == "plan-review":
        review = page.get_by_role("link", name="審査する")
        review.scroll_into_view_if_needed()
        expect(review).to_be_in_viewport()
        _assert_within_the_width(page, review)
        review.click()
        expect(page.get_by_role("button", name="審査を開始する")).to_be_visible()
        page.go_back()

    _sort_by_first_column(page)
    shoot(page, f"evl-{name}-sorted")
    _check_no_one_character_lines(page, "table.list-table")
    assert_accessible(page)
