"""The PDCA loop in the system Chromium: HQ weights the axes, evaluates a hub, asks for an
improvement and publishes; the chief coordinator answers the request with an action; the bureau
follows it up; the hub's plan for the next year shows the open request. Each page is checked
with axe-core on the way, and photographed at desktop and phone width when asked to."""

import re

import pytest
from playwright.sync_api import expect

from evaluation.assessments.models import Assessment, ImprovementRequest
from tests.consultations.factories import CaseFactory, ReferralFactory
from tests.hubs.factories import AgencyFactory
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in
from .screens import WIDTHS, shoot

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()


def _logout(page):
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def _look(page, name):
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        shoot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


def _confirm(page):
    page.get_by_role("dialog").locator("[data-confirm-yes]").click()  # confirm.js asks first


def test_hq_evaluates_the_chief_acts_the_bureau_follows_up_and_the_plan_carries_it(
        page, users):
    # Two of the hub's cases this year, one an expert proposal, each referred on; one
    # referral reported back: 50.0 on the follow-up rate and on the expert share.
    agency = AgencyFactory(hub=users.hub)
    for depth, status in [("expert", "reported"), ("policy", "sent")]:
        case = CaseFactory(hub=users.hub, lead=users.coordinator, depth=depth)
        ReferralFactory(hub=users.hub, case=case, agency=agency, status=status)
    log_in(page, users.hq)
    page.goto(f"/evaluation/assessments/weights/{YEAR}/")
    page.get_by_label("行動指針（ヒアリング評点）").fill("40")
    page.get_by_label("紹介後のフォローアップ率").fill("30")
    page.get_by_label("支援の深さ（専門的な提案）").fill("30")
    assert_accessible(page)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("重み")
    assert_accessible(page)
    _look(page, "assessment-national")
    page.get_by_role("link", name="東京都", exact=True).click()
    page.get_by_role("button", name="評価を開始する").click()
    expect(page.locator(".assessment-status")).to_have_text("下書き")
    # (30 x 50.0 + 30 x 50.0) / 60; the guideline axis has no hearing yet and takes no part.
    expect(page.locator(".assessment-composite")).to_have_text("50.0")
    page.get_by_label("改善すべき点").fill("紹介先からの報告の督促")
    page.get_by_label("理由").fill("フォローアップ率が全国中央値を下回っている。")
    page.get_by_label("期限").fill(f"{YEAR + 1}-09-30")
    page.get_by_role("button", name="改善要望を追加する").click()
    expect(page.locator(".request-items")).to_contain_text("紹介先からの報告の督促")
    assert_accessible(page)
    page.get_by_role("button", name="確定する").click()
    _confirm(page)
    expect(page.locator(".assessment-status")).to_have_text("確定")
    page.get_by_role("button", name="拠点と経済産業局に公開する").click()
    _confirm(page)
    expect(page.locator(".assessment-status")).to_have_text("公開済み")
    _look(page, "assessment-hub")
    # On paper: the figures and the requests, without the menu, buttons and forms.
    page.emulate_media(media="print")
    expect(page.locator(".assessment-axes")).to_be_visible()
    expect(page.locator(".request-items")).to_be_visible()
    for hidden in ("nav.navbar", ".assessment-actions", ".request-form", ".downloads"):
        expect(page.locator(hidden).first).to_be_hidden()
    shoot(page, "assessment-hub-print")
    page.emulate_media(media="screen")
    assert Assessment.objects.get(hub=users.hub, fiscal_year=YEAR).is_published
    _logout(page)

    log_in(page, users.chief)
    page.get_by_role("link", name=re.compile("改善要望（対応策が未登録）")).click()
    page.get_by_role("link", name="紹介先からの報告の督促").click()
    page.get_by_role("textbox", name="対応策").fill(
        "毎週の会議で未報告の紹介を確認し、担当者が督促する。")
    page.get_by_label("担当者").fill("チーフコーディネーター")
    assert_accessible(page)
    page.get_by_role("button", name="対応策を追加する").click()
    expect(page.locator(".action-items")).to_contain_text("毎週の会議で未報告の紹介を確認")
    _logout(page)

    log_in(page, users.bureau)
    page.get_by_role("link", name=re.compile("未完了の改善要望")).click()
    assert_accessible(page)
    page.get_by_role("link", name="紹介先からの報告の督促").click()
    page.get_by_label("状況").select_option("in_progress")
    page.get_by_label("コメント").fill("対応策を確認した。次回の訪問で進み具合を聞く。")
    page.get_by_role("button", name="フォローアップを保存する").click()
    expect(page.locator(".request-status")).to_have_text("対応中")
    expect(page.locator(".follow-up-items")).to_contain_text("次回の訪問で進み具合を聞く")
    assert_accessible(page)
    _look(page, "assessment-request")
    assert ImprovementRequest.objects.get().status == ImprovementRequest.Status.IN_PROGRESS
    _logout(page)

    log_in(page, users.chief)
    page.goto(f"/evaluation/plans/{users.hub.jis_code}/{YEAR + 1}/")
    expect(page.locator(".open-requests")).to_contain_text("紹介先からの報告の督促")
    assert_accessible(page)
