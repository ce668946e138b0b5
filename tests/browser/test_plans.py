"""Annual plans in the system Chromium: the bureau returns a plan with a comment, the chief
coordinator revises it and, with the implementing organization, resubmits; the bureau sees
what changed and accepts. Plus an axe sweep of the plan pages and dashboards."""

import re

import pytest
from playwright.sync_api import expect

from evaluation.plans import content as plan_content
from evaluation.plans import services
from evaluation.plans.models import AnnualPlan
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in, sign_in
from .screens import WIDTHS, shoot

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def submitted(users):
    plan = services.plan_get_or_create(hub=users.hub, fiscal_year=YEAR, by=users.chief)
    content = plan_content.normalize(plan.content)
    content["initiatives"] = "専門家派遣を強化する。"
    content["targets"]["new_clients"] = {"year": 60, "months": [5] * 12}
    plan = services.plan_update(plan=plan, by=users.chief, content=content, version=plan.version)
    services.plan_confirm(plan=plan, by=users.chief)
    return services.plan_confirm(plan=AnnualPlan.objects.get(pk=plan.pk), by=users.impl_org)


def _logout(page):
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_bureau_returns_the_chief_revises_and_the_bureau_accepts(page, users, submitted):
    log_in(page, users.bureau)
    queue = page.get_by_role("table", name="Annual plans to review").or_(
        page.locator("table.plan-queue"))
    expect(queue).to_contain_text("東京都よろず支援拠点")
    queue.get_by_role("link", name="東京都よろず支援拠点").click()
    page.get_by_role("button", name="審査を開始する").click()
    returning = page.locator("form").filter(has_text="差し戻す")
    returning.get_by_label("項目").select_option("targets")
    returning.get_by_label("コメント").fill("新規相談者数の目標を前年度実績以上にしてください。")
    assert_accessible(page)
    page.get_by_role("button", name="このコメントを付けて差し戻す").click()
    page.get_by_role("dialog").locator("[data-confirm-yes]").click()  # confirm.js asks first
    expect(page.locator(".messages")).to_contain_text("差し戻")
    _logout(page)

    log_in(page, users.chief)
    page.goto(f"/evaluation/plans/{users.hub.jis_code}/{YEAR}/")
    expect(page.locator("main")).to_contain_text("新規相談者数の目標を前年度実績以上にしてください。")
    page.get_by_role("link", name="計画を編集").click()
    assert_accessible(page)
    year = page.locator("tr[data-indicator='新規相談者数'] .target-year input")
    expect(year).to_have_value("60")
    page.get_by_label("新規相談者数: 4月").fill("８")  # full width, as typed with an IME
    expect(year).to_have_value("63")  # the months' sum, as typed
    expect(page.locator("#target-sum-status")).to_have_text("新規相談者数の年間合計は63になりました")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("保存")
    page.get_by_role("button", name="現在の内容で計画を確認する").click()
    _logout(page)
    log_in(page, users.impl_org)
    page.goto(f"/evaluation/plans/{users.hub.jis_code}/{YEAR}/")
    page.get_by_role("button", name="現在の内容で計画を確認する").click()
    expect(page.locator("main")).to_contain_text("提出済み")
    _logout(page)

    log_in(page, users.bureau)
    page.goto(f"/evaluation/plans/{users.hub.jis_code}/{YEAR}/diff/")
    expect(page.locator("main ins").first).to_be_visible()
    # The comment this version answers, and the decision, on the page of changes itself.
    expect(page.locator("main")).to_contain_text("新規相談者数の目標を前年度実績以上にしてください。")
    assert_accessible(page)
    page.get_by_role("button", name="計画を受理する").click()
    page.get_by_role("dialog").locator("[data-confirm-yes]").click()  # confirm.js asks first
    # The message, not the word: "受理" is on the button too, so the page has it before the
    # acceptance has been saved.
    expect(page.locator(".messages")).to_contain_text("計画を受理しました")
    plan = AnnualPlan.objects.get(pk=submitted.pk)
    assert plan.status == "accepted"
    assert [v.outcome for v in plan.versions.order_by("number")] == ["returned", "accepted"]
    assert plan.versions.get(number=2).content["targets"]["new_clients"]["months"][0] == 8


@pytest.mark.parametrize(("role", "path", "text"), [
    ("chief", "/evaluation/plans/13/{year}/", "事業計画"),
    ("chief", "/evaluation/plans/dashboards/hub/13/", "相談対応件数"),
    ("bureau", "/evaluation/plans/dashboards/bureau/", "東京都"),
    ("hq", "/evaluation/plans/dashboards/national/", "相談対応件数"),
    ("hq", "/evaluation/plans/policies/", "活動方針"),
])
def test_plan_page_is_accessible(page, users, submitted, role, path, text):
    sign_in(page, users.by_role()[role])
    assert page.goto(path.format(year=YEAR)).status == 200
    expect(page.locator("main")).to_contain_text(text)
    page.wait_for_load_state("networkidle")
    assert_accessible(page)


CHARTS_DRAWN = """() => [...document.querySelectorAll('canvas[data-chart-source]')].map(c => {
    if (!window.Chart || !Chart.getChart(c)) { return 0; }
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) { if (data[i]) { painted++; } }
    return painted;
})"""


def test_bureau_dashboard_draws_its_charts(page, users, submitted):
    services.plan_accept(plan=submitted, by=users.bureau)
    log_in(page, users.bureau)
    assert page.goto("/evaluation/plans/dashboards/bureau/").status == 200
    canvases = page.locator("canvas[data-chart-source]")
    expect(canvases.first).to_be_visible()
    for i in range(canvases.count()):  # each chart is drawn as it nears the viewport
        canvases.nth(i).scroll_into_view_if_needed()
    page.wait_for_function("() => window.Chart && [...document.querySelectorAll("
                           "'canvas[data-chart-source]')].every(c => Chart.getChart(c))")
    painted = page.evaluate(CHARTS_DRAWN)
    assert len(painted) == 5 and all(painted), painted  # one chart per indicator, each drawn
    expect(page.locator("main")).to_contain_text("東京都")
    assert_accessible(page)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_diff_page_carries_the_comment_it_answers_and_the_decision(page, users, submitted,
                                                                       size):
    services.plan_return(plan=submitted, by=users.bureau, section="targets",
                         comment_text="目標の根拠を書いてください。")
    plan = AnnualPlan.objects.get(pk=submitted.pk)
    content = plan_content.normalize(plan.content)
    content["targets"]["new_clients"] = {"year": 72, "months": [6] * 12}
    plan = services.plan_update(plan=plan, by=users.chief, content=content, version=plan.version)
    services.plan_confirm(plan=plan, by=users.chief)
    services.plan_confirm(plan=AnnualPlan.objects.get(pk=plan.pk), by=users.impl_org)

    log_in(page, users.bureau)
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[size], strict=True)))
    page.goto(f"/evaluation/plans/{users.hub.jis_code}/{YEAR}/diff/")
    answered = page.get_by_role("region", name="第2版は、第1版への次のコメントに対応したものです")
    expect(answered).to_contain_text("目標の根拠を書いてください。")
    decision = page.get_by_role("region", name="第2版についての経済産業局の判断")
    expect(decision.get_by_role("button", name="計画を受理する")).to_be_visible()
    expect(decision.get_by_role("button", name="このコメントを付けて差し戻す")).to_be_visible()
    assert_accessible(page)
    shoot(page, "plan-diff")
