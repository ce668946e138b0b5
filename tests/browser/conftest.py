"""Browser fixtures: one system Chromium per session, a fresh context per test, and helpers
to log in, to check the console for CSP violations and to run axe-core on a page.

The CSP stays active: axe is loaded by a <script> tag from the page's own origin (the test
settings serve tests/browser/vendor as static files under axe/), which the policy's
script-src 'self' allows, never by an inline script it would refuse."""

import os
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import CHROMIUM, PASSWORD

# Loaded from the live server rather than evaluated from here: sending the 650 kB source over
# the DevTools protocol for every check cost the browser about as much CPU as the check itself;
# a script the page loads is cached by the browser with its compiled code.
AXE_URL = "/static/axe/axe.min.js"
LOAD_AXE = """url => window.axe ? null : new Promise((resolve, reject) => {
  const script = document.createElement("script");
  script.src = url;
  script.onload = resolve;
  script.onerror = () => reject(new Error("axe-core did not load from " + url));
  document.head.appendChild(script);
})"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Playwright turns GPU rasterisation on, in software (SwiftShader) where there is no GPU: with
# the GPU disabled that only costs CPU (about a tenth of the browser's CPU time on 2 cores).
PLAYWRIGHT_GPU_ARGS = ["--enable-gpu-rasterization", "--enable-unsafe-swiftshader"]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an event loop in the test thread while it runs; Django would
    # refuse ORM calls from fixtures and tests. Allowed for the browser modules only, and
    # Playwright is stopped before other tests run, so they keep Django's async-safety check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS,
                                                 ignore_default_args=PLAYWRIGHT_GPU_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def users(transactional_db, cast):
    """The cast, in a transactional database that the live server thread can see."""
    return cast


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    page.console_errors = []
    page.on("console",
            lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()


def assert_no_csp_violations(page: Page) -> None:
    violations = [text for text in page.console_errors if "Content Security Policy" in text]
    if violations:
        pytest.fail(f"CSP violations on {page.url}:\n" + "\n".join(violations), pytrace=False)


def log_in(page: Page, user, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.locator('input[name="username"]').fill(user.email)
    page.locator('input[name="password"]').fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()
    wait_for_home(page)
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    assert_no_csp_violations(page)


def sign_in(page: Page, user) -> None:
    """Logged in without the login form: the session is made on the server and its cookie
    handed to the browser. For the page sweeps, whose subject is the page and not the login
    (log_in above, the login tests and every user flow go through the form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "url": page.base_url,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def wait_for_home(page: Page) -> None:
    page.wait_for_url(lambda url: urlparse(url).path == "/")


def _describe(violation: dict) -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"])
    return f"- {violation['id']} ({violation['impact']}): {violation['help']}\n    {targets}"


# Colours are checked as they end up, not halfway through a transition: Bootstrap's buttons
# fade their colours for 0.15 s after a hover or click, and dialogs fade in.
SETTLED = """async () => {
  await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const finite = document.getAnimations().filter(
    a => a.effect && a.effect.getComputedTiming().iterations !== Infinity);
  await Promise.all(finite.map(a => a.finished.catch(() => null)));
}"""


def assert_accessible(page: Page) -> None:
    """No serious or critical axe violations, and no CSP violation in the console."""
    page.wait_for_load_state("load")
    page.evaluate(SETTLED)
    page.evaluate(LOAD_AXE, AXE_URL)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(f"axe violations on {page.url}:\n" + "\n".join(map(_describe, blocking)),
                    pytrace=False)
    assert_no_csp_violations(page)
