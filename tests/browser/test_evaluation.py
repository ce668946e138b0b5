"""Evaluation in the system Chromium: an HQ user scores a hub end to end against the guideline
(each item saved by htmx as it is chosen), finalises and publishes; the chief coordinator then
sees the result beside the national distribution. Plus an axe sweep of the evaluation pages."""

import pytest
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Item, Score
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in, sign_in

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def guideline(users):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=users.hq)
    return services.guideline_publish(guideline=draft, by=users.hq)


def test_hq_scores_a_hub_and_publishes_and_the_chief_sees_it(page, users, guideline, settings):
    # One published hub: the national distribution shows only with the minimum lowered to it.
    settings.GUIDELINE_DISTRIBUTION_MIN_HUBS = 1
    log_in(page, users.hq)
    page.get_by_role("navigation").get_by_role("link", name="ヒアリング").click()
    page.get_by_role("link", name="予定を登録（東京都）").click()
    page.get_by_label("出席者").fill("チーフコーディネーター、実施機関担当者、本部2名")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("ヒアリングの予定を登録しました")
    assert_accessible(page)

    page.get_by_role("link", name="行動指針に照らして評価する").click()
    rows = page.locator("form.score-row")
    count = Item.objects.filter(area__guideline=guideline).count()
    expect(rows).to_have_count(count)  # waits for the whole sheet, not the rows parsed so far
    for index in range(count):
        # As a person works: type the evidence, then pick the level straight away. Leaving
        # the note saves it while the level is being chosen; neither may be lost.
        row = rows.nth(index)
        row.get_by_label("根拠メモ", exact=False).fill(f"根拠{index + 1}：相談記録を確認")
        row.get_by_label(f"レベル{4 if index == 0 else 3}", exact=False).first.check()
    for index in range(count):
        expect(rows.nth(index).get_by_role("status")).to_contain_text("保存しました")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    saved = {s.item.code: (s.level, s.evidence) for s in Score.objects.select_related("item")}
    assert len(saved) == count
    assert all(level in (3, 4) for level, _evidence in saved.values())
    assert sorted(e for _l, e in saved.values()) == sorted(
        f"根拠{i + 1}：相談記録を確認" for i in range(count))
    expect(rows.nth(0).get_by_label("根拠メモ", exact=False)).to_have_value("根拠1：相談記録を確認")

    page.get_by_role("link", name="ヒアリングに戻る").click()
    page.get_by_role("button", name="評価を確定する").click()
    page.get_by_role("dialog").locator("[data-confirm-yes]").click()  # confirm.js asks first
    expect(page.locator(".messages")).to_contain_text("確定しました")
    page.get_by_role("button", name="拠点と経済産業局に公開する").click()
    page.get_by_role("dialog").locator("[data-confirm-yes]").click()  # confirm.js asks first
    expect(page.locator(".messages")).to_contain_text("公開しました")
    page.get_by_role("button", name="ログアウト").click()

    log_in(page, users.chief)
    page.get_by_role("link", name="評価結果").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("評価結果")
    first_row = page.locator("table.result-table tbody tr").first
    expect(first_row).to_contain_text("レベル4")
    expect(first_row).to_contain_text("根拠1：相談記録を確認")
    expect(first_row).to_contain_text("（1拠点）")
    assert_accessible(page)


@pytest.mark.parametrize(("role", "path", "text"), [
    ("hq", "/evaluation/guidelines/", "行動指針"),
    ("hq", f"/evaluation/guidelines/{YEAR}/", "叩き台"),
    ("chief", f"/evaluation/guidelines/{YEAR}/", "レベル4"),
    ("hq", "/evaluation/hearings/", "拠点別"),
    ("hq", "/evaluation/national/", "ベストプラクティス候補"),
    ("bureau", "/evaluation/results/13/", "評価結果"),
])
def test_evaluation_page_is_accessible(page, users, guideline, role, path, text):
    sign_in(page, users.by_role()[role])
    response = page.goto(path)
    assert response.status == 200
    expect(page.locator("main")).to_contain_text(text)
    assert_accessible(page)


def test_scoring_and_hearing_pages_are_accessible(page, users, guideline):
    hearing = services.hearing_schedule(hub=users.hub, fiscal_year=YEAR,
                                        held_on=fiscal.today(), lead=users.hq, by=users.hq)
    log_in(page, users.hq)
    for path in (f"/evaluation/hearings/{hearing.pk}/", f"/evaluation/hearings/{hearing.pk}/score/",
                 "/evaluation/hearings/new/04/"):
        assert page.goto(path).status == 200
        assert_accessible(page)


def test_self_check_pages_are_accessible(page, users, guideline):
    log_in(page, users.coordinator)
    page.goto("/evaluation/self-checks/")
    assert_accessible(page)
    page.get_by_role("button", name="今期の自己点検を始める").click()
    expect(page.locator("main")).to_contain_text("自己点検")
    assert_accessible(page)
    page.locator("input[type=radio][value='3']").first.check()
    page.get_by_role("button", name="提出する").click()  # incomplete: errors beside items
    page.get_by_role("dialog").locator("[data-confirm-yes]").click()  # confirm.js asks first
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    for role, path in (("chief", "/evaluation/self-checks/review/13/"),
                       ("impl_org", "/evaluation/self-checks/summary/13/")):
        page.get_by_role("button", name="ログアウト").click()
        log_in(page, users.by_role()[role])
        assert page.goto(path).status == 200
        assert_accessible(page)
