"""The quick log's choice of client in the system Chromium: a choice made in the search results
survives typing more, and a registered name is chosen by default and warned about when the
user registers it again."""

import contextlib
import re

import pytest
from playwright.sync_api import Page, expect

from consultations.models import Client, Session
from tests.consultations.factories import CaseFactory, ClientFactory

from .conftest import assert_accessible, log_in
from .screens import WIDTHS, shoot

pytestmark = pytest.mark.browser

YAMADA = "株式会社山田製作所"


def _open_quick_log(page: Page, users) -> None:
    log_in(page, users.coordinator)
    page.goto(f"/consultations/{users.hub.jis_code}/log/")


def _search_settled(page: Page):
    """Waits for the response of the search the next action sends."""
    return page.expect_response(lambda r: "/clients/search/" in r.url)


def _fill_case_and_session(page: Page) -> None:
    page.locator("#id_case-topics_0").check()  # ignored unless a new case is opened
    page.locator("#id_session-summary").fill("2回目の相談。")


@pytest.mark.parametrize("choice", ["open case", "new case"])
def test_chosen_client_survives_a_refined_search(page, users, choice):
    case = CaseFactory(hub=users.hub, lead=users.coordinator, client__name=YAMADA)
    ClientFactory(hub=users.hub, name="山田商店")
    _open_quick_log(page, users)
    results = page.locator("#client-results")
    name = page.locator("#id_client-name")

    with _search_settled(page):
        name.fill("山田")
    expect(results).to_contain_text("山田商店")
    option = page.locator(f"#target-case-{case.pk}" if choice == "open case"
                          else f"#target-client-{case.client_id}")
    option.check()
    name.press("End")
    name.press_sequentially("製作")  # typing more redraws the results
    expect(results).not_to_contain_text("山田商店")
    expect(option).to_be_checked()
    _fill_case_and_session(page)
    page.get_by_role("button", name="相談を記録する").click()

    expect(page.locator(".messages .alert-success")).to_contain_text(YAMADA)
    assert Client.objects.count() == 2  # no client named after the search text
    session = Session.objects.get()
    assert session.case.client_id == case.client_id
    assert (session.case == case) == (choice == "open case")


def test_a_registered_name_becomes_the_default_choice(page, users):
    case = CaseFactory(hub=users.hub, lead=users.coordinator, client__name=YAMADA)
    _open_quick_log(page, users)

    page.locator("#id_client-name").press_sequentially("山田製作所株式会社")
    expect(page.locator("#client-results")).to_contain_text("すでに登録されています")
    expect(page.locator(f"#target-case-{case.pk}")).to_be_checked()
    expect(page.locator("#target-new")).not_to_be_checked()
    assert_accessible(page)
    _fill_case_and_session(page)
    page.get_by_role("button", name="相談を記録する").click()

    expect(page.locator(".messages .alert-success")).to_be_visible()
    assert Client.objects.count() == 1
    assert case.sessions.count() == 1


def test_registering_a_registered_name_again_is_warned_until_confirmed(page, users):
    registered = ClientFactory(hub=users.hub, name=YAMADA, phone="06-1234-5678")
    _open_quick_log(page, users)

    with _search_settled(page):
        page.locator("#id_client-name").fill(YAMADA)
    expect(page.locator(f"#target-client-{registered.pk}")).to_be_visible()
    page.locator("#target-new").check()  # the user insists on a new client
    _fill_case_and_session(page)
    page.get_by_role("button", name="相談を記録する").click()

    warning = page.locator("#duplicates")
    expect(warning).to_contain_text("すでに登録されています")
    expect(warning).to_contain_text("06-1234-5678")
    expect(page.locator("#target-new")).to_be_checked()  # the user's choice is kept
    expect(page.locator(f"#target-client-{registered.pk}")).to_be_visible()  # offered instead
    assert_accessible(page)
    assert Client.objects.count() == 1 and not Session.objects.exists()

    page.get_by_label(re.compile("別の相談者なので")).check()
    page.get_by_role("button", name="相談を記録する").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    assert Client.objects.filter(name=YAMADA).count() == 2


def test_a_choice_made_while_a_search_is_on_its_way_is_kept(page, users):
    chosen = ClientFactory(hub=users.hub, name="山田商店")
    _open_quick_log(page, users)
    name = page.locator("#id_client-name")
    with _search_settled(page):
        name.fill("山田")
    held = []
    page.route("**/clients/search/**", lambda route: held.append(route))  # a slow answer
    name.press_sequentially("商")
    while not held:
        page.wait_for_timeout(50)

    page.locator(f"#target-client-{chosen.pk}").check()
    page.unroute("**/clients/search/**")
    with contextlib.suppress(Exception):  # the page gave up on this search, as it should
        held[0].continue_()
    page.wait_for_timeout(500)
    expect(page.locator(f"#target-client-{chosen.pk}")).to_be_checked()


# --- The form at a laptop's and a phone's width ------------------------------------------------
def _top(locator) -> float:
    return locator.bounding_box()["y"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_form_fits_opens_the_new_client_only_when_chosen_and_is_accessible(page, users,
                                                                                size):
    width, height = WIDTHS[size]
    _open_quick_log(page, users)
    page.set_viewport_size({"width": width, "height": height})
    page.reload()
    panel = page.locator("#new-client")
    expect(page.locator("input[name=target]:checked")).to_have_count(0)  # nothing assumed
    expect(panel).to_be_hidden()
    save = page.get_by_role("button", name="相談を記録する")
    if size == "desktop":  # the whole form in sight on a laptop, the save button included
        box = save.bounding_box()
        assert box["y"] + box["height"] <= height, box
    # The topics in columns: three side by side on a laptop, two on a phone.
    topics = page.locator("input[name='case-topics']")
    assert topics.count() == 12
    columns = 3 if size == "desktop" else 2
    row = [_top(topics.nth(i)) for i in range(columns + 1)]
    assert row[:columns] == [row[0]] * columns and row[columns] > row[0], row
    assert_accessible(page)
    shoot(page, "quick-log")

    page.locator("#target-new").check()
    expect(panel).to_be_visible()
    expect(page.locator("#id_client-name_kana")).to_be_visible()
    assert_accessible(page)
    shoot(page, "quick-log-new-client")
