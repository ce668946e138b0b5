"""A coordinator writing up a long consultation is warned before the idle logout, can stay
logged in, and loses nothing typed when the login ran out before saving. The idle timeout is
cut to seconds for the live server (the warning comes half-way through such a short one)."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from consultations.models import Session
from tests.conftest import PASSWORD

from .conftest import assert_accessible, log_in

# Mostly waiting for the shortened idle timeout to run out: started first (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.waits]

RESTORED = "ログイン前に入力した内容を復元しました。確認して保存してください。"
SUMMARY = "新商品の販路開拓について、長時間にわたり相談を受けた。展示会の出展計画を確認。"


def _log_in_on_this_page(page: Page, user) -> None:
    page.locator('input[name="username"]').fill(user.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()


def _drafts(page: Page) -> str | None:
    return page.evaluate("() => sessionStorage.getItem('yorozu-drafts')")


def test_typed_consultation_survives_the_idle_logout(page, users, settings):
    settings.SESSION_IDLE_TIMEOUT = 10
    log_in(page, users.coordinator)
    quick_log = f"/consultations/{users.hub.jis_code}/log/"
    page.goto(quick_log)
    page.locator("#id_client-name").fill("株式会社長考商事")
    page.locator("#target-new").check()
    page.locator("#id_case-topics_0").check()
    page.locator("#id_session-summary").fill(SUMMARY)

    # Half-way through the idle time: the warning, its button focused for the keyboard.
    warning = page.get_by_role("alertdialog", name="まもなくログアウトします")
    expect(warning).to_be_visible(timeout=10_000)
    stay = warning.get_by_role("button", name="ログインを続ける")
    expect(stay).to_be_focused()
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    expect(page.locator("#id_session-summary")).to_be_focused()  # back where the user was

    # Past the first deadline the login is alive: the search as you type still answers.
    time.sleep(6)
    page.locator("#id_client-name").press("End")
    page.keyboard.type("X")
    expect(page.locator("#client-results")).to_contain_text("株式会社長考商事X")
    expect(page).to_have_url(re.compile(re.escape(quick_log) + "$"))

    # Now the user leaves the page alone until the login runs out, then saves.
    logged_out = page.get_by_role("alertdialog", name="ログアウトしました")
    expect(logged_out).to_be_visible(timeout=20_000)
    logged_out.get_by_role("button", name="閉じる").click()
    page.get_by_role("button", name="相談を記録する").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_text("入力した内容はこのブラウザに保持しています")).to_be_visible()
    assert not Session.objects.exists()
    settings.SESSION_IDLE_TIMEOUT = 600  # a slow machine must not expire the second login
    _log_in_on_this_page(page, users.coordinator)

    expect(page).to_have_url(re.compile(re.escape(quick_log) + "$"))
    expect(page.get_by_text(RESTORED)).to_be_visible()
    expect(page.locator("#id_client-name")).to_have_value("株式会社長考商事X")
    expect(page.locator("#target-new")).to_be_checked()
    expect(page.locator("#id_case-topics_0")).to_be_checked()
    expect(page.locator("#id_session-summary")).to_have_value(SUMMARY)
    assert not Session.objects.exists()  # nothing is saved until the user saves
    assert_accessible(page)
    page.get_by_role("button", name="相談を記録する").click()

    expect(page.locator(".messages .alert-success")).to_contain_text("相談を記録しました")
    session = Session.objects.get()
    assert session.summary == SUMMARY
    assert session.case.client.name == "株式会社長考商事X"
    assert _drafts(page) in (None, "{}")  # saved: the browser forgets the draft


def test_another_user_of_the_same_browser_never_sees_the_draft(page, users, settings):
    settings.SESSION_IDLE_TIMEOUT = 4
    log_in(page, users.coordinator)
    quick_log = f"/consultations/{users.hub.jis_code}/log/"
    page.goto(quick_log)
    page.locator("#id_session-summary").fill(SUMMARY)
    expect(page.get_by_role("alertdialog", name="ログアウトしました")).to_be_visible(
        timeout=15_000)
    page.get_by_role("button", name="閉じる").click()
    page.get_by_role("button", name="相談を記録する").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert SUMMARY in _drafts(page)

    settings.SESSION_IDLE_TIMEOUT = 600
    _log_in_on_this_page(page, users.chief)  # a colleague at the same PC
    expect(page).to_have_url(re.compile(re.escape(quick_log) + "$"))
    expect(page.locator("#id_session-summary")).to_have_value("")
    expect(page.get_by_text(RESTORED)).to_have_count(0)
    assert SUMMARY not in (_drafts(page) or "")


def test_the_warning_is_accessible_and_logging_out_forgets_drafts(page, users, settings):
    settings.SESSION_IDLE_TIMEOUT = 12  # room for axe while the warning shows
    log_in(page, users.coordinator)
    page.goto(f"/consultations/{users.hub.jis_code}/log/")
    page.locator("#id_session-summary").fill(SUMMARY)
    expect(page.get_by_role("alertdialog", name="まもなくログアウトします")).to_be_visible(
        timeout=12_000)
    assert_accessible(page)
    expect(page.get_by_role("alertdialog", name="ログアウトしました")).to_be_visible(
        timeout=15_000)
    assert_accessible(page)
    assert SUMMARY in _drafts(page)  # kept in the tab as the login ran out
    page.get_by_role("button", name="閉じる").click()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    settings.SESSION_IDLE_TIMEOUT = 600
    _log_in_on_this_page(page, users.coordinator)
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    assert SUMMARY in _drafts(page)  # still kept for the page where it was typed
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert SUMMARY not in (_drafts(page) or "")
