"""A list as a coordinator uses it, at a laptop's width (1366 px) and a phone's (390 px): sort by
a column, jump to a page, tick "mine only", leave and come back to the same filter, clear it;
the header stays in view while the rows scroll; axe finds nothing at either width. And the
bureau reaches the approve and reject buttons of a proposal on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from hubs import services
from hubs.models import Appointment
from tests.consultations.factories import CaseFactory
from yorozu.core import fiscal
from yorozu.jobs.models import Job

from .conftest import assert_accessible, sign_in
from .screens import shoot

pytestmark = pytest.mark.browser

WIDTHS = [1366, 390]
KANA = "アイウエオカキクケコサシスセソタチツテト"


@pytest.fixture
def cases(users):
    """55 cases (two pages): every third led by the coordinator, the rest by the chief."""
    made = []
    for n in range(55):
        lead = users.coordinator if n % 3 == 0 else users.chief
        made.append(CaseFactory(hub=users.hub, lead=lead,
                                client__name=f"株式会社{KANA[n % len(KANA)]}商店{n:02d}",
                                client__name_kana=f"{KANA[n % len(KANA)]}ショウテン{n:02d}"))
    return made


def _header(page: Page, name: str):
    return page.locator("table.case-table thead th").filter(has_text=name)


def _first_client(page: Page) -> str:
    return page.locator("table.case-table tbody tr").first.locator("td").first.inner_text()


def _check_sorting(page: Page) -> None:
    header = _header(page, "相談者")
    expect(header).to_have_attribute("aria-sort", "none")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert _first_client(page) == "株式会社ア商店00"  # the kana's order: ア first
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert _first_client(page) == "株式会社ト商店39"
    expect(_header(page, "開始日")).to_have_attribute("aria-sort", "none")


def _check_page_jump(page: Page) -> None:
    page.get_by_label("ページ番号").fill("2")
    page.get_by_role("button", name="移動").click()
    expect(page.locator(".pagination")).to_contain_text("2／2ページ")
    assert "sort=-client" in page.url  # the order is kept
    expect(page.locator("table.case-table tbody tr")).to_have_count(5)
    expect(page.get_by_text("全55件中 51～55件目")).to_be_visible()


def _check_mine_only_is_remembered(page: Page, users, jis: str) -> None:
    page.get_by_label("自分の担当のみ").check()
    page.get_by_role("button", name="絞り込む").click()
    expect(page.get_by_text("19件", exact=True)).to_be_visible()
    leads = page.locator("table.case-table tbody td:nth-child(4)").all_inner_texts()
    assert set(leads) == {str(users.coordinator)}

    page.goto("/")  # away, and back through the menu
    menu = page.get_by_role("navigation", name="メインメニュー")
    if page.viewport_size["width"] < 992:  # folded away on a phone
        menu.get_by_role("button", name="メニューを表示").click()
    menu.get_by_role("link", name="案件一覧").click()
    expect(page.get_by_label("自分の担当のみ")).to_be_checked()
    expect(page.get_by_text("19件", exact=True)).to_be_visible()
    page.get_by_role("link", name="条件をクリア").click()
    expect(page.get_by_label("自分の担当のみ")).not_to_be_checked()
    expect(page.get_by_text("55件", exact=True)).to_be_visible()
    assert page.url.endswith(f"/consultations/{jis}/cases/")


def _check_header_stays_in_view(page: Page) -> None:
    box = page.locator(".table-scroll")
    box.scroll_into_view_if_needed()
    box.evaluate("el => el.scrollIntoView({block: 'start'})")
    # Scrolled at once, not by the mouse wheel: the wheel scrolls smoothly over a time that a
    # busy machine stretched past any fixed wait (the test failed now and then). What is under
    # test is where the header stays once the rows have scrolled.
    box.evaluate("el => el.scrollBy({top: 1500, behavior: 'instant'})")
    assert box.evaluate("el => el.scrollTop") > 300, "the rows did not scroll in their box"
    header = _header(page, "相談者").bounding_box()
    height = page.viewport_size["height"]
    assert -1 <= header["y"] < height and header["y"] + header["height"] <= height  # subpixels
    # The rows went on under the header: the first row is now above its lower edge.
    first_row = page.locator("table.case-table tbody tr").first.bounding_box()
    assert first_row["y"] < header["y"]


def _check_no_one_character_lines(page: Page, table: str = "table.case-table") -> None:
    """Japanese in a squeezed column stands one character per line: no cell is that narrow."""
    narrowest = page.evaluate("""(table) => Math.min(...[...document.querySelectorAll(
        `${table} th, ${table} td`)].filter(c => c.innerText.trim().length > 1)
        .map(c => c.getBoundingClientRect().width))""", table)
    assert narrowest >= 48, f"a cell only {narrowest}px wide"


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_sorts_pages_and_filters_the_case_list(page, users, cases, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, users.coordinator)
    jis = users.hub.jis_code
    page.goto(f"/consultations/{jis}/cases/")
    expect(page.get_by_text("55件", exact=True)).to_be_visible()
    shoot(page, "cases", full_page=False)
    shoot(page, "cases-full")
    assert_accessible(page)
    _check_no_one_character_lines(page)

    _check_sorting(page)
    _check_page_jump(page)
    _check_mine_only_is_remembered(page, users, jis)
    _check_header_stays_in_view(page)
    shoot(page, "cases-scrolled", full_page=False)
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("role", "path", "name"), [
    ("hq", "/hubs/", "hubs"), ("chief", "/hubs/13/agencies/", "agencies"),
    ("bureau", "/", "home-hubs")])
def test_hub_lists_sort_and_stay_readable(page, users, agencies, role, path, name, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, users.by_role()[role])
    page.goto(path)
    first = page.locator("table.list-table thead th").first
    first.get_by_role("link").click()
    expect(first).to_have_attribute("aria-sort", re.compile("ascending|descending"))
    shoot(page, name)
    _check_no_one_character_lines(page, "table.list-table")
    assert_accessible(page)


def test_follow_ups_at_phone_width_are_accessible(page, users, cases):
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, users.chief)
    page.goto(f"/consultations/{users.hub.jis_code}/followups/?mine=on")
    expect(page.get_by_label("自分の担当のみ")).to_be_checked()
    shoot(page, "followups")
    assert_accessible(page)


def _propose(users, family_name: str, email: str) -> Appointment:
    today = fiscal.today()
    return services.appointment_propose(
        hub=users.hub, by=users.chief, email=email, family_name=family_name, given_name="一",
        starts_on=today, ends_on=fiscal.fiscal_year_end(fiscal.fiscal_year_of(today)))


def _assert_within_the_width(page: Page, *buttons) -> None:
    """In view without scrolling sideways: a row of the queue is a card on a phone."""
    for button in buttons:
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_bureau_approves_and_rejects_on_a_phone(page, users):
    approved = _propose(users, "新井", "arai@example.jp")
    rejected = _propose(users, "石川", "ishikawa@example.jp")
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, users.bureau)
    page.goto("/hubs/appointments/")
    shoot(page, "appointments-phone")
    assert_accessible(page)

    row = page.locator("tr").filter(has_text="新井")
    approve = row.get_by_role("button", name="承認", exact=True)
    approve.scroll_into_view_if_needed()
    expect(approve).to_be_in_viewport()
    _assert_within_the_width(page, approve, row.get_by_role("button", name="却下", exact=True))
    approve.click()
    page.get_by_role("dialog").get_by_role("button", name="承認").click()
    expect(page.locator(".messages")).to_contain_text("任命を承認しました")

    row = page.locator("tr").filter(has_text="石川")
    row.get_by_label("理由").fill("任期が重複しているため")
    reject = row.get_by_role("button", name="却下", exact=True)
    reject.scroll_into_view_if_needed()
    expect(reject).to_be_in_viewport()
    reject.click()
    page.get_by_role("dialog").get_by_role("button", name="却下").click()
    # The approval's message is on the page until the rejection's answer replaces it.
    expect(page.locator(".messages")).to_contain_text("申請を却下しました")

    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert approved.status == Appointment.Status.APPROVED
    assert rejected.status == Appointment.Status.REJECTED


@pytest.mark.parametrize("width", WIDTHS)
def test_appointments_sort_download_and_stay_readable(page, users, width):
    """Both tables of the appointments page sort on their own; the queue's buttons are in view
    without scrolling sideways; no column squeezes Japanese; the page offers its download."""
    for n, (family, kana) in enumerate([("渡辺", "ワタナベ"), ("青木", "アオキ")]):
        _propose(users, family, f"p{n}@example.jp").user.__class__.objects.filter(
            email=f"p{n}@example.jp").update(family_name_kana=kana)
    decided = _propose(users, "加藤", "kato@example.jp")
    services.appointment_reject(appointment=decided, by=users.bureau, note="重複")
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, users.bureau)
    page.goto("/hubs/appointments/")
    shoot(page, "appointments")
    assert_accessible(page)
    _check_no_one_character_lines(page, "table.appointment-decisions")
    queue = page.locator("table.appointment-queue")
    row = queue.locator("tbody tr").filter(has_text="渡辺")
    _assert_within_the_width(page, row.get_by_role("button", name="承認", exact=True),
                             row.get_by_role("button", name="却下", exact=True),
                             row.get_by_label("理由"))

    header = queue.locator("thead th").filter(has_text="氏名")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(queue.locator("tbody tr").first).to_contain_text("青木")  # ア before ワ
    decisions = page.locator("table.appointment-decisions")
    expect(decisions.locator("thead th").first).to_have_attribute("aria-sort", "none")
    decisions.locator("thead th").filter(has_text="状況").get_by_role("link").click()
    assert "sort=name" in page.url and "decided-sort=status" in page.url
    expect(header).to_have_attribute("aria-sort", "ascending")  # the queue kept its sort
    expect(page.get_by_role("link", name="Excel", exact=True)).to_have_attribute(
        "href", re.compile(r"decided-sort=status&format=xlsx"))
    shoot(page, "appointments-sorted")
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_jobs_list_sorts_and_keeps_polling(page, users, width):
    """The jobs page's tables sort on their own; after a sort the running job's bar still moves
    without a reload; no column squeezes Japanese at either width."""
    running = Job.objects.create(kind="report_hub_monthly", scope=Job.Scope.HUB, hub=users.hub,
                                 started_by=users.chief, status=Job.Status.RUNNING, done=1,
                                 total=4, params={"year": 2026, "month": 5})
    Job.objects.create(kind="report_hub_monthly", scope=Job.Scope.HUB, hub=users.hub,
                       started_by=users.chief, status=Job.Status.FAILED, done=2, total=4,
                       params={"year": 2026, "month": 4}, error="集計できませんでした")
    Job.objects.create(kind="report_hub_monthly", scope=Job.Scope.HUB, hub=users.hub,
                       status=Job.Status.PENDING, params={"year": 2026, "month": 6})
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, users.chief)
    page.goto("/jobs/")
    shoot(page, "jobs")
    assert_accessible(page)
    _check_no_one_character_lines(page, "table.job-table")

    mine = page.locator("table.job-table").first
    header = mine.locator("thead th").filter(has_text="処理").first
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(mine.locator("tbody tr").first).to_contain_text("2026年4月")
    bar = mine.locator("tbody tr").filter(has_text="2026年5月").locator("progress.job-bar")
    expect(bar).to_have_attribute("value", "25")
    Job.objects.filter(pk=running.pk).update(done=3)
    expect(bar).to_have_attribute("value", "75")  # polled, not reloaded
    page.mouse.move(0, 0)
    shoot(page, "jobs-sorted")
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_clients_cases_sort_and_stay_readable(page, users, cases, width):
    CaseFactory(hub=users.hub, lead=users.chief, client=cases[0].client)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, users.coordinator)
    page.goto(f"/consultations/clients/{cases[0].client_id}/")
    header = page.locator("table.case-table thead th").first
    expect(header).to_contain_text("開始日")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", re.compile("ascending|descending"))
    expect(page.locator("table.case-table tbody tr")).to_have_count(2)
    shoot(page, "client-cases")
    _check_no_one_character_lines(page)
    assert_accessible(page)
