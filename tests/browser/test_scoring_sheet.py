"""The scoring sheet in the system Chromium, at a laptop's and a phone's width: HQ scores by
keyboard, the count of scored items follows each save, the jump goes to the next item without
a level, and each item shows the hub's self-check level and last year's level beside it."""

import pytest
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Item, SelfCheck
from tests.evaluation.factories import SelfCheckFactory, published_guideline
from tests.hubs.factories import UserFactory
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in
from .screens import WIDTHS, shoot

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def hearing(users):
    last_guideline = published_guideline(fiscal_year=YEAR - 1, by=users.hq)
    last = services.hearing_schedule(hub=users.hub, fiscal_year=YEAR - 1, held_on=fiscal.today(),
                                     lead=users.hq, by=users.hq)
    for item in Item.objects.filter(area__guideline=last_guideline):
        services.score_save(hearing=last, item=item, by=users.hq, level=2, evidence="",
                            version=0)
    services.hearing_finalise(hearing=last, by=users.hq)
    guideline = published_guideline(fiscal_year=YEAR, by=users.hq)
    for _ in range(3):
        SelfCheckFactory(user=UserFactory(), hub=users.hub, guideline=guideline,
                         status=SelfCheck.Status.SUBMITTED)
    return services.hearing_schedule(hub=users.hub, fiscal_year=YEAR, held_on=fiscal.today(),
                                     lead=users.hq, by=users.hq)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_hq_scores_by_keyboard_jumping_to_the_next_unscored_item(page, users, hearing, size):
    items = list(Item.objects.filter(area__guideline=hearing.guideline)
                 .order_by("area__sort_order", "sort_order", "code"))
    log_in(page, users.hq)
    width, height = WIDTHS[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/evaluation/hearings/{hearing.pk}/score/")
    progress = page.locator("#score-progress")
    expect(progress).to_have_text(f"採点済み 0／{len(items)}項目")
    first = page.locator(f"#score-{items[0].pk}")
    expect(first).to_contain_text("昨年度のヒアリング：レベル2")
    expect(first).to_contain_text("今年度の拠点の自己点検：3.0（3件）")
    assert_accessible(page)
    shoot(page, "scoring-sheet", full_page=False)

    jump = page.get_by_role("link", name="次の未採点項目へ")
    jump.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#lv-{items[0].pk}-1")).to_be_focused()
    page.keyboard.press("ArrowRight")  # level 2, saved as it is chosen
    expect(page.locator(f"#lv-{items[0].pk}-2")).to_be_checked()
    expect(progress).to_have_text(f"採点済み 1／{len(items)}項目")

    jump.focus()
    page.keyboard.press("Enter")
    target = page.locator(f"#lv-{items[1].pk}-1")
    expect(target).to_be_focused()
    # The item jumped to is in sight, not under the bar that stays at the top.
    bar = page.locator(".score-bar").bounding_box()
    row = page.locator(f"#score-{items[1].pk}").bounding_box()
    assert row["y"] >= bar["y"] + bar["height"] - 1, (row, bar)
    page.keyboard.press("Space")
    expect(progress).to_have_text(f"採点済み 2／{len(items)}項目")
    assert_accessible(page)
    shoot(page, "scoring-sheet-scored", full_page=False)
