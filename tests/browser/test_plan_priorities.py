"""Measurable priority areas in the system Chromium: the chief coordinator gives a priority
area a topic measure and a target and finds it on the plan dashboard; the pages that show
priorities pass axe; and the plan page prints on A4 with the hub, the year, the version, the
status and the confirmations on the first page, and no menu, buttons or forms."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import Topic
from evaluation.plans import content as plan_content
from evaluation.plans import services
from evaluation.plans.models import AnnualPlan, PlanVersion
from tests.consultations.factories import CaseFactory, SessionFactory
from tests.evaluation.factories import plan_with_content
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in, sign_in
from .screens import WIDTHS, shoot

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()
NONE = {"description": "", "topics": [], "milestone_kind": "", "measure": "", "target": None}
# A4 less the print stylesheet's margins (12 mm each side, 15 mm top and bottom), in CSS px.
PRINTED_WIDTH, PRINTED_HEIGHT = round((210 - 24) / 25.4 * 96), round((297 - 30) / 25.4 * 96)


def _startup_sessions(hub, lead, n):
    case = CaseFactory(hub=hub, lead=lead, topics=list(Topic.objects.filter(code="startup")))
    for _ in range(n):
        SessionFactory(hub=hub, case=case, held_on=fiscal.today())


@pytest.fixture
def draft(users):
    """Tokyo's draft, its one priority area as migrated from the free text: no measure yet."""
    _startup_sessions(users.hub, users.coordinator, 3)
    return plan_with_content(hub=users.hub, fiscal_year=YEAR, content={"priorities": [
        {**NONE, "title": "創業支援", "description": "創業希望者の相談を増やす。"}]})


def test_the_chief_gives_a_priority_a_topic_measure_and_sees_it_on_the_dashboard(page, users,
                                                                                  draft):
    log_in(page, users.chief)
    page.goto(f"/evaluation/plans/{users.hub.jis_code}/{YEAR}/")
    expect(page.locator("#plan-incomplete")).to_contain_text("重点1")
    expect(page.get_by_role("button", name="現在の内容で計画を確認する")).to_be_disabled()
    page.get_by_role("link", name="計画を編集").click()

    area = page.locator("fieldset.priority-slot").first
    topics = area.get_by_role("group", name="重点1：集計する相談分野")
    expect(topics).to_be_hidden()  # shown only for the measure that counts topics
    area.get_by_label("重点1：測定方法").select_option("topic_sessions")
    expect(topics).to_be_visible()
    topics.get_by_label("創業", exact=True).check()
    area.get_by_label("重点1：年間目標").fill("２４")  # full width, as typed with an IME
    assert_accessible(page)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("保存")
    table = page.locator("table.plan-priorities")
    expect(table).to_contain_text("相談分野（創業）の相談対応件数")
    expect(page.locator("#plan-incomplete")).to_have_count(0)
    expect(page.get_by_role("button", name="現在の内容で計画を確認する")).to_be_enabled()

    page.goto(f"/evaluation/plans/dashboards/hub/{users.hub.jis_code}/")
    section = page.get_by_role("region", name="重点分野")
    row = section.get_by_role("row").filter(has_text="創業支援")
    expect(row).to_contain_text("相談分野（創業）の相談対応件数")
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text("24")  # the target for the year
    expect(cells.nth(3)).to_have_text("3")  # today's three sessions on the topic
    assert_accessible(page)
    for size in ("desktop", "phone"):
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[size], strict=True)))
        shoot(page, f"plan-priorities-dashboard-{size}")
    page.goto(f"/evaluation/plans/{users.hub.jis_code}/{YEAR}/edit/")
    for size in ("phone", "desktop"):
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[size], strict=True)))
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size][0]
        shoot(page, f"plan-priorities-edit-{size}")


AREAS = [
    {**NONE, "title": "創業支援", "description": "創業希望者の相談を増やす。",
     "measure": "topic_sessions", "topics": ["startup"], "target": 24},
    {**NONE, "title": "事業承継", "description": "承継の実現を支える。", "measure": "milestones",
     "milestone_kind": "succession", "target": 5},
    {**NONE, "title": "収益改善", "description": "付加価値額の増加を支える。",
     "measure": "value_added_improved", "target": 60},
]


@pytest.fixture
def accepted(users):
    """Tokyo's plan, submitted by both confirmations and accepted by the bureau."""
    _startup_sessions(users.hub, users.coordinator, 2)
    plan = services.plan_get_or_create(hub=users.hub, fiscal_year=YEAR, by=users.chief)
    content = plan_content.normalize(plan.content)
    content["analysis"]["industry_mix"] = "小売・飲食とサービス業の小規模事業者が多い。\n" * 6
    content["targets"]["sessions"] = {"year": 120, "months": [10] * 12}
    content["priorities"] = AREAS
    content["initiatives"] = "支援機関との合同相談会を四半期ごとに開催する。\n" * 10
    plan = services.plan_update(plan=plan, by=users.chief, content=content, version=plan.version)
    services.plan_confirm(plan=plan, by=users.chief)
    plan = services.plan_confirm(plan=AnnualPlan.objects.get(pk=plan.pk), by=users.impl_org)
    services.plan_start_review(plan=plan, by=users.bureau)
    return services.plan_accept(plan=plan, by=users.bureau)


@pytest.mark.parametrize(("role", "path", "text"), [
    ("chief", "/evaluation/plans/13/{year}/", "相談分野（創業）の相談対応件数"),
    ("chief", "/evaluation/plans/dashboards/hub/13/", "創業支援"),
    ("bureau", "/evaluation/plans/dashboards/bureau/", "各拠点の重点分野"),
    ("hq", "/evaluation/plans/dashboards/national/", "重点分野（経済産業局別）"),
])
def test_pages_with_priority_areas_are_accessible(page, users, accepted, role, path, text):
    sign_in(page, users.by_role()[role])
    assert page.goto(path.format(year=YEAR)).status == 200
    expect(page.locator("main")).to_contain_text(text)
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    name = "plan-priorities-" + "-".join(filter(None, path.split("/")[3:-1])).replace("{year}", "")
    for size in ("desktop", "phone"):
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[size], strict=True)))
        page.reload()  # drawn at this width (charts resize themselves only later)
        page.wait_for_load_state("networkidle")
        # Nothing but a table's own box scrolls sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size][0]
        shoot(page, f"{name}-{size}")


def test_the_plan_prints_on_a4_with_where_it_stands_on_the_first_page(page, users, accepted):
    sign_in(page, users.chief)
    page.goto(f"/evaluation/plans/{users.hub.jis_code}/{YEAR}/")
    expect(page.get_by_role("button", name="印刷する")).to_be_visible()  # js/print.js
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINTED_WIDTH, "height": PRINTED_HEIGHT})

    for hidden in ("header", "footer", "nav", "form", ".btn"):
        assert all(not box.is_visible() for box in page.locator(f"body {hidden}").all()), hidden
    main = page.locator("main")
    expect(main.locator("h1")).to_contain_text("東京都よろず支援拠点")
    expect(main.locator("h1")).to_contain_text(f"{YEAR}年度")
    expect(main.locator("h1 .badge")).to_have_text("受理")
    expect(main).to_contain_text("印刷しました")  # the print-only line
    standing = page.get_by_role("region", name="計画の状況")
    expect(standing).to_contain_text("第1版")
    expect(standing).to_contain_text(users.chief.get_full_name())
    expect(standing).to_contain_text(users.impl_org.get_full_name())
    # Laid out at the printed width, the hub, year, status, version and confirmations end
    # within the first page's height.
    bottom = standing.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")
    assert bottom < PRINTED_HEIGHT, bottom
    # Sections and table rows are asked not to break across pages.
    breaks = page.evaluate("""() => [...document.querySelectorAll('main section, main tr')]
        .map(e => getComputedStyle(e).breakInside)""")
    assert breaks and set(breaks) == {"avoid"}
    shoot(page, "plan-print", full_page=True)

    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=False)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert 1 <= pages <= 6, pages


def test_a_version_frozen_before_measures_still_shows_on_the_page_of_changes(page, users):
    plan = plan_with_content(hub=users.hub, fiscal_year=YEAR)
    PlanVersion.objects.create(plan=plan, number=1, submitted_by=users.chief,
                               outcome="returned", decided_by=users.bureau,
                               decided_at=timezone.now(),
                               content={"priorities": [{"title": "創業", "target": "20件"}]})
    PlanVersion.objects.create(plan=plan, number=2, submitted_by=users.chief,
                               content=plan_content.normalize({"priorities": [AREAS[0]]}))
    AnnualPlan.objects.filter(pk=plan.pk).update(status=AnnualPlan.Status.SUBMITTED)
    sign_in(page, users.bureau)
    page.goto(f"/evaluation/plans/{users.hub.jis_code}/{YEAR}/diff/?from=1&to=2")
    expect(page.locator("main ins").filter(
        has_text="測定方法：相談分野（創業）の相談対応件数")).to_have_count(1)
    assert_accessible(page)
