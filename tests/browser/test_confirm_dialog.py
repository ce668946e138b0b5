"""Irreversible actions ask first, in the page's one <dialog> (static/js/confirm.js): clicking
"publish" opens it with a message saying what cannot be undone; cancelling (button or Escape)
sends nothing; confirming publishes."""

import pytest
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Guideline
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in
from .screens import shoot

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def draft(users):
    return services.guideline_create_from_starter(fiscal_year=YEAR, by=users.hq)


def _status(draft) -> str:
    draft.refresh_from_db()
    return draft.status


def test_publishing_the_guideline_asks_first_and_cancel_does_nothing(page, users, draft):
    log_in(page, users.hq)
    page.goto(f"/evaluation/guidelines/{YEAR}/")
    publish = page.get_by_role("button", name="公開する", exact=True)
    dialog = page.get_by_role("dialog")

    publish.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("公開後は変更できません")
    expect(dialog.get_by_role("button", name="キャンセル")).to_be_focused()
    assert_accessible(page)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        shoot(page, "confirm-dialog", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    dialog.get_by_role("button", name="キャンセル").click()
    expect(dialog).to_be_hidden()
    expect(publish).to_be_focused()  # back where the user was
    page.wait_for_timeout(300)
    assert _status(draft) == Guideline.Status.DRAFT

    publish.press("Enter")  # the keyboard: Enter opens it, Escape closes it
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(300)
    assert _status(draft) == Guideline.Status.DRAFT
    assert page.url.endswith(f"/evaluation/guidelines/{YEAR}/")

    publish.click()
    dialog.get_by_role("button", name="公開する").click()
    expect(page.locator(".messages")).to_contain_text("公開しました")
    assert _status(draft) == Guideline.Status.PUBLISHED
    assert_accessible(page)


def test_submitting_a_self_check_asks_but_saving_a_draft_does_not(page, users, draft):
    services.guideline_publish(guideline=draft, by=users.hq)
    log_in(page, users.coordinator)
    page.goto("/evaluation/self-checks/")
    page.get_by_role("button", name="今期の自己点検を始める").click()
    page.get_by_role("button", name="下書き保存").click()
    expect(page.locator(".messages")).to_contain_text("下書き")
    expect(page.get_by_role("dialog")).to_be_hidden()

    page.get_by_role("button", name="提出する").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("提出後は変更できなくなります")
    dialog.get_by_role("button", name="提出する").click()
    # Incomplete, so the page comes back with the errors: the form was sent, with its
    # button's name and value (action=submit), after confirming.
    expect(page.locator("#error-summary")).to_be_visible()
