"""HQ's national heat map (a dashboard) in the system Chromium, at a laptop's and a phone's
width: the colour legend in words, sorting by a column's heading (said to screen readers with
aria-sort), grouping by bureau, the national median row, hub names linking to their results,
and, on a phone, the table scrolling sideways under a hub column that stays in place."""

import pytest
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Item
from hubs.models import Hub
from tests.evaluation.factories import published_guideline
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in
from .screens import WIDTHS, shoot

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def scored(users):
    guideline = published_guideline(fiscal_year=YEAR, by=users.hq)
    items = list(Item.objects.filter(area__guideline=guideline).order_by("pk"))
    for code, levels in (("13", (4, 3)), ("04", (2, 2)), ("27", (1, 2))):
        hearing = services.hearing_schedule(hub=Hub.objects.get(jis_code=code), fiscal_year=YEAR,
                                            held_on=fiscal.today(), lead=users.hq, by=users.hq)
        for index, item in enumerate(items):
            services.score_save(hearing=hearing, item=item, by=users.hq,
                                level=levels[index % 2], evidence="", version=0)
        services.hearing_finalise(hearing=hearing, by=users.hq)


def _hub_column(page):
    """The hubs' names, top to bottom (the median row has none)."""
    return page.locator("table.heat-map tbody th[scope=row] > a:first-child").all_inner_texts()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_hq_reads_sorts_and_groups_the_heat_map(page, users, scored, size):
    log_in(page, users.hq)
    width, height = WIDTHS[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/evaluation/national/?year={YEAR}")
    table = page.locator("table.heat-map")
    expect(page.locator(".heat-legend")).to_contain_text("3.5以上（レベル4相当）")
    expect(table.locator(".heat-median")).to_contain_text("全国の中央値")
    assert_accessible(page)
    shoot(page, "heat-map", full_page=False)

    if size == "phone":  # sideways, the hub column staying where it is
        hub_cell = table.locator("tbody th[scope=row]").nth(1)
        before = hub_cell.bounding_box()["x"]
        page.locator(".heat-scroll").evaluate("el => { el.scrollLeft = 300; }")
        assert page.locator(".heat-scroll").evaluate("el => el.scrollLeft") > 0
        assert hub_cell.bounding_box()["x"] == pytest.approx(before, abs=1)
        shoot(page, "heat-map-scrolled", full_page=False)

    table.get_by_role("link", name="全体").click()
    overall = table.get_by_role("columnheader", name="全体")
    expect(overall).to_have_attribute("aria-sort", "descending")
    assert _hub_column(page)[:4] == ["東京都", "宮城県", "大阪府", "北海道"]
    table.get_by_role("link", name="全体").click()  # again: lowest first
    expect(overall).to_have_attribute("aria-sort", "ascending")
    assert _hub_column(page)[:4] == ["大阪府", "宮城県", "東京都", "北海道"]

    page.get_by_role("link", name="経済産業局ごとにまとめて表示").click()
    expect(table.locator("th[scope=colgroup]").first).to_have_text("北海道経済産業局")
    assert_accessible(page)
    shoot(page, "heat-map-grouped", full_page=False)

    table.get_by_role("link", name="東京都", exact=True).click()
    expect(page.locator("h1")).to_contain_text("東京都")
    expect(page).to_have_url(f"{page.base_url}/evaluation/results/13/?year={YEAR}")
