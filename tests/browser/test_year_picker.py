"""The year picker in the system Chromium: in spring, before this year's guideline is
published, the national view opens on last year and says so; picking this year from the
picker shows this year."""

import pytest
from playwright.sync_api import expect

from evaluation import services
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in
from .screens import shoot

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def last_year_published(users):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR - 1, by=users.hq)
    guideline = services.guideline_publish(guideline=draft, by=users.hq)
    services.guideline_copy(source=guideline, fiscal_year=YEAR, by=users.hq)  # a draft
    return guideline


def test_the_national_view_opens_on_last_year_and_the_picker_goes_to_another(
        page, users, last_year_published):
    log_in(page, users.hq)
    page.goto("/evaluation/national/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(fiscal.fiscal_year_label(YEAR - 1))
    expect(page.locator(".year-passed-over")).to_contain_text("まだ公開されていない")
    expect(page.locator("main")).to_contain_text("ベストプラクティス候補")
    picker = page.get_by_label("年度", exact=True)
    expect(picker).to_have_value(str(YEAR - 1))
    assert_accessible(page)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        shoot(page, "year-picker", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    picker.select_option(str(YEAR))
    page.get_by_role("button", name="表示", exact=True).click()
    page.wait_for_url(f"**/evaluation/national/?year={YEAR}")
    expect(heading).to_contain_text(fiscal.fiscal_year_label(YEAR))
    expect(page.get_by_label("年度", exact=True)).to_have_value(str(YEAR))
    expect(page.locator(".year-passed-over")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("行動指針はまだ公開されていません")
    assert_accessible(page)
