"""Two HQ users on one scoring sheet, in two browser contexts. User B types a note on an item
and clicks a level straight away, on an item user A has just saved: the click must not be
lost. B sees a conflict that shows the level B actually clicked and B's note as B's input
beside A's version; choosing again saves B's level and the conflict goes away."""

import pytest
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Item, Score
from hubs.roles import Role
from tests.hubs.factories import AppointmentFactory, UserFactory
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in
from .screens import shoot

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def hearing(users):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=users.hq)
    services.guideline_publish(guideline=draft, by=users.hq)
    return services.hearing_schedule(hub=users.hub, fiscal_year=YEAR, held_on=fiscal.today(),
                                     lead=users.hq, by=users.hq)


@pytest.fixture
def colleague(users):
    user = UserFactory(family_name="本部", given_name="二郎")
    AppointmentFactory(user=user, role=Role.HQ)
    return user


@pytest.fixture
def second_page(page, live_server):
    context = page.context.browser.new_context(base_url=live_server.url, locale="ja-JP",
                                               viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    other = context.new_page()
    other.console_errors = []
    other.on("console", lambda msg: other.console_errors.append(msg.text)
             if msg.type == "error" else None)
    yield other
    context.close()


def _sheet(page, hearing):
    page.goto(f"/evaluation/hearings/{hearing.pk}/score/")
    return page.locator("form.score-row").first


def _click(page, locator, hold_ms):
    """A click as Playwright makes it (hold 0), or as a person does, holding the button long
    enough for the note's request, sent when the press blurs the note, to come back first."""
    if not hold_ms:
        locator.click()
        return
    locator.hover()
    page.mouse.down()
    page.wait_for_timeout(hold_ms)
    page.mouse.up()


@pytest.mark.parametrize("hold_ms", [0, 600])
def test_a_level_clicked_right_after_typing_a_note_survives_a_conflict(
        page, second_page, users, hearing, colleague, hold_ms):
    item = Item.objects.filter(area__guideline=hearing.guideline).order_by(
        "area__sort_order", "sort_order", "code").first()
    log_in(page, users.hq)
    row_a = _sheet(page, hearing)
    b = second_page
    log_in(b, colleague)
    row_b = _sheet(b, hearing)

    # A saves level 2 on the item; B's sheet still shows the item as unscored.
    row_a.get_by_label("レベル2", exact=False).check()
    expect(row_a.get_by_role("status")).to_contain_text("保存しました")

    # B, as people work: types a note, then clicks level 3 at once.
    requests = []
    b.on("request", lambda r: requests.append(r.url) if "/items/" in r.url else None)
    row_b.get_by_label("根拠メモ", exact=False).fill("Bの根拠：面談記録")
    _click(b, row_b.get_by_label("レベル3", exact=False), hold_ms)

    banner = b.locator(f"#score-{item.pk} .alert-warning")
    expect(banner).to_contain_text("あなたの入力はレベル3でした")
    expect(banner).to_contain_text("Bの根拠：面談記録")
    b.wait_for_load_state("networkidle")
    row_b = b.locator(f"#score-{item.pk}")
    # A's version is the one selected; B's note stays in the box; nothing of B's was saved.
    expect(row_b.get_by_label("レベル2", exact=False)).to_be_checked()
    expect(row_b.get_by_label("根拠メモ", exact=False)).to_have_value("Bの根拠：面談記録")
    assert Score.objects.get(hearing=hearing, item=item).level == 2
    assert requests, "the level click sent no request"
    assert_accessible(b)
    for width in (1366, 390):
        b.set_viewport_size({"width": width, "height": 900})
        banner.scroll_into_view_if_needed()
        shoot(b, "score-conflict", full_page=False)

    # Choosing again saves B's level and note, and the conflict disappears.
    row_b.get_by_label("レベル3", exact=False).click()
    expect(row_b.get_by_role("status")).to_contain_text("保存しました")
    expect(b.locator(f"#score-{item.pk} .alert-warning")).to_have_count(0)
    score = Score.objects.get(hearing=hearing, item=item)
    assert (score.level, score.evidence, score.updated_by) == (3, "Bの根拠：面談記録",
                                                                colleague)
