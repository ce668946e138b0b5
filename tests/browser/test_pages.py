"""The real pages in the system Chromium: login by keyboard, each role's home, an axe sweep of
every page a role works with, and the bureau's approval of a proposal. The CSP is active and
every page is checked for CSP violations in the console."""

import re

import pytest
from playwright.sync_api import Page, expect

from hubs.models import Appointment
from tests.conftest import PASSWORD
from tests.hubs.factories import AppointmentFactory, UserFactory

from .conftest import (
    assert_accessible,
    assert_no_csp_violations,
    log_in,
    sign_in,
    wait_for_home,
)

pytestmark = pytest.mark.browser

TOKYO = "東京都よろず支援拠点"


def hub_card(page: Page):
    return page.locator("section.card-hub").filter(has_text=TOKYO)


# --- Login ----------------------------------------------------------------------------------


def test_login_by_keyboard_alone(page, users):
    page.goto("/accounts/login/")
    expect(page.locator('input[name="username"]')).to_be_focused()  # autofocus
    page.keyboard.type(users.coordinator.email)
    page.keyboard.press("Tab")
    expect(page.locator('input[name="password"]')).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    wait_for_home(page)
    expect(hub_card(page)).to_be_visible()
    assert_no_csp_violations(page)

    # From the top of the page, the first Tab shows the skip link; Enter moves to the content.
    skip_link = page.get_by_role("link", name="本文へ移動")
    assert skip_link.bounding_box()["width"] <= 1  # visually hidden until focused
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box["width"] > 20 and box["height"] > 10, box
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_wrong_password_shows_japanese_error_and_keeps_email(page, users):
    email = users.coordinator.email
    page.goto("/accounts/login/")
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill("not-the-password")
    page.get_by_role("button", name="ログイン", exact=True).click()

    expect(page.get_by_text("正しいメールアドレスとパスワードを入力してください")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator('input[name="username"]')).to_have_value(email)
    assert_accessible(page)


# --- Home per role --------------------------------------------------------------------------


def _hub_staff_home(badge):
    def check(page):
        expect(hub_card(page)).to_be_visible()
        expect(hub_card(page).locator(".badge")).to_have_text(badge)
    return check


def _bureau_home(page):
    section = page.get_by_role("region", name="管轄の拠点")
    expect(section.get_by_role("link", name=TOKYO)).to_be_visible()
    expect(section.get_by_role("link", name="宮城県よろず支援拠点")).to_have_count(0)


def _hq_home(page):
    section = page.get_by_role("region", name="全拠点")
    expect(section.locator("tbody tr")).to_have_count(47)


def _admin_home(page):
    expect(page.get_by_text("本日有効な任命がないため")).to_be_visible()
    nav = page.get_by_role("navigation", name="メインメニュー")
    expect(nav.get_by_role("link", name="管理画面")).to_be_visible()


HOME_CHECKS = {
    "coordinator": _hub_staff_home("コーディネーター"),
    "chief": _hub_staff_home("チーフコーディネーター"),
    "impl_org": _hub_staff_home("実施機関"),
    "bureau": _bureau_home,
    "hq": _hq_home,
    "admin": _admin_home,
}


@pytest.mark.parametrize("role", HOME_CHECKS)
def test_home_per_role(page, users, role):
    log_in(page, users.by_role()[role])
    HOME_CHECKS[role](page)
    assert_accessible(page)


# --- Axe sweep ------------------------------------------------------------------------------


def _submit_empty(page):
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()


def _english(page):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")


# (role, path, text the page must show, what to do before the scan)
SWEEP = [
    ("anonymous", "/accounts/login/", "ログイン", None),
    ("anonymous", "/accounts/password/reset/", "パスワードの再設定", None),
    ("hq", "/hubs/", "宮城県よろず支援拠点", None),
    ("chief", "/hubs/13/", "本日在任中の職員", None),
    ("bureau", "/hubs/13/", "解任", None),  # the bureau sees revoke forms
    ("chief", "/hubs/13/agencies/", "支援機関名簿", None),
    ("chief", "/hubs/13/agencies/new/", "支援機関の登録", None),
    ("chief", "/hubs/13/agencies/new/", "支援機関の登録", _submit_empty),
    ("chief", "/hubs/agencies/{agency}/edit/", "支援機関の編集", None),
    ("bureau", "/hubs/appointments/", "承認", None),
    ("chief", "/hubs/13/appointments/propose/", "コーディネーターの任命申請", None),
    ("coordinator", "/accounts/password/change/", "パスワードの変更", None),
    ("chief", "/jobs/", "あなたが開始した処理", None),
    ("impl_org", "/evaluation/surveys/agencies/13/", "新しいアンケートを作成", None),
    # Client outcomes (every page of the app, with data, at two widths: test_outcomes.py).
    ("chief", "/evaluation/outcomes/13/", "東京都よろず支援拠点", None),
    ("bureau", "/evaluation/outcomes/bureau/", "関東経済産業局", None),
    ("hq", "/evaluation/assessments/", "多面的評価", None),
    ("hq", "/evaluation/assessments/practices/", "取組を候補にする", None),
    ("chief", "/evaluation/assessments/practices/", "公開済みの取組", None),
    ("bureau", "/evaluation/assessments/requests/", "改善要望", None),
    ("chief", "/evaluation/assessments/hubs/13/", "まだ公開していません", None),
    ("coordinator", "/", "Welcome", _english),
]


def _sweep_id(case):
    role, path, _text, action = case
    return f"{role}:{path}" + (f"+{action.__name__.strip('_')}" if action else "")


@pytest.mark.parametrize(("role", "path", "text", "action"), SWEEP,
                         ids=[_sweep_id(case) for case in SWEEP])
def test_page_is_accessible(page, users, agencies, role, path, text, action):
    AppointmentFactory(user=UserFactory(), role="coordinator", hub=users.hub,
                       status="proposed", proposed_by=users.chief)
    if role != "anonymous":
        sign_in(page, users.by_role()[role])
    response = page.goto(path.format(agency=agencies[0].pk))
    assert response.status == 200, f"{path} answered {response.status}"
    if action:
        action(page)
    expect(page.locator("main")).to_contain_text(text)
    assert_accessible(page)


# --- Approval workflow ----------------------------------------------------------------------


def test_bureau_approves_proposal_in_browser(page, users):
    proposed = UserFactory()
    appointment = AppointmentFactory(user=proposed, role="coordinator", hub=users.hub,
                                     status="proposed", proposed_by=users.chief)

    log_in(page, users.bureau)
    page.goto("/hubs/appointments/")
    row = page.get_by_role("row").filter(has_text=proposed.email)
    row.get_by_role("button", name="承認", exact=True).click()
    page.get_by_role("dialog").locator("[data-confirm-yes]").click()  # confirm.js asks first

    expect(page.locator(".messages .alert-success")).to_contain_text("任命を承認しました")
    assert_accessible(page)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.APPROVED

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    log_in(page, proposed)
    expect(hub_card(page)).to_contain_text("コーディネーター")
