"""The API and calendar page in the browser: a user makes their calendar address and API
token (each shown once), subscribes with the address, and revokes the token behind the
confirmation dialog; axe-clean at desktop and phone widths."""

import os

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to look at the page at both widths


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_chief_makes_a_calendar_address_and_an_api_token_then_revokes_it(page, users):
    log_in(page, users.chief)
    page.get_by_role("link", name="外部連携").click()
    expect(page.get_by_role("heading", name="API・カレンダー連携", level=1)).to_be_visible()
    assert_accessible(page)

    calendar = page.locator("section", has=page.get_by_role("heading", name="カレンダー配信"))
    calendar.get_by_role("button", name="発行する").click()
    address = page.get_by_label("カレンダーアプリに登録するアドレス").input_value()
    assert address.endswith(".ics")
    feed = page.request.get(address.replace("http://127.0.0.1:8000", page.base_url))
    assert feed.status == 200 and feed.body().startswith(b"BEGIN:VCALENDAR")

    api = page.locator("section", has=page.get_by_role("heading", name="REST API"))
    api.get_by_role("button", name="発行する").click()
    token = page.get_by_label("トークン", exact=True).input_value()
    answer = page.request.get(f"{page.base_url}/api/v1/hubs/",
                              headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200 and answer.json()["results"][0]["jis_code"] == "13"
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        _shot(page, f"api-tokens-{width}")

    page.reload()  # shown once: gone from the page
    expect(page.get_by_label("トークン", exact=True)).to_have_count(0)
    api.get_by_role("button", name="無効にする").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("今後何も読み取れなくなります")
    dialog.get_by_role("button", name="無効にする").click()
    expect(page.get_by_role("status").first).to_contain_text("トークンを無効にしました")
    assert page.request.get(f"{page.base_url}/api/v1/hubs/",
                            headers={"Authorization": f"Bearer {token}"}).status == 401
    assert_accessible(page)
