"""The government look (static/css/tokens-bootstrap.css): the Digital Agency's font stack,
line height, blue and focus ring reach the real pages, at a desktop's width and a phone's."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import SETTLED, assert_accessible, log_in

pytestmark = pytest.mark.browser

AGENCY_BLUE = "rgb(0, 23, 193)"  # blue-900
FOCUS_YELLOW = "rgb(255, 212, 61)"  # yellow-300
STYLE_OF = """el => { const s = getComputedStyle(el); return {
  font: s.fontFamily, size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight),
  background: s.backgroundColor, outline: s.outlineStyle, outlineWidth: s.outlineWidth,
  outlineColor: s.outlineColor, shadow: s.boxShadow}; }"""


def _style(locator) -> dict:
    return locator.evaluate(STYLE_OF)


def _assert_focus_ring(locator) -> None:
    locator.page.evaluate(SETTLED)  # Bootstrap fades the ring in
    style = _style(locator)
    assert style["outline"] == "solid" and style["outlineWidth"] == "4px", style
    assert style["outlineColor"] == "rgb(0, 0, 0)", style
    assert FOCUS_YELLOW in style["shadow"], style


@pytest.mark.parametrize("width", [1366, 390])
def test_login_page_has_the_agency_font_line_height_blue_and_focus_ring(page, users, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    body = _style(page.locator("body"))
    assert body["font"].startswith('"Noto Sans JP"'), body["font"]
    assert body["line"] == pytest.approx(1.7 * body["size"], abs=0.5), body

    button = page.get_by_role("button", name="ログイン", exact=True)
    assert _style(button)["background"] == AGENCY_BLUE
    # Every kind of control shows the same strong ring when reached by keyboard.
    email = page.locator('input[name="username"]')
    expect(email).to_be_focused()  # autofocus
    _assert_focus_ring(email)
    page.keyboard.press("Tab")
    _assert_focus_ring(page.locator('input[name="password"]'))
    while not button.evaluate("el => el === document.activeElement"):
        page.keyboard.press("Tab")
    _assert_focus_ring(button)
    assert_accessible(page)


def test_a_focused_link_in_the_top_bar_shows_the_ring(page, users):
    log_in(page, users.coordinator)
    links = page.locator("nav a")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_count(1)
    assert re.match(r"a|button", focused.evaluate("el => el.tagName.toLowerCase()"))
    _assert_focus_ring(focused)
    assert links.count() > 0
    assert_accessible(page)
