"""Downloads in the system Chromium: a coordinator takes the case list as CSV for Japanese
Excel (Shift_JIS) with the list's filter, and the chief asks for a monthly report as CSV. The
pages with download links pass axe at a desktop and a phone width."""

import csv
import io
import os
import zipfile
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.consultations.factories import CaseFactory, ClientFactory, ReferralFactory
from tests.hubs.factories import AgencyFactory
from yorozu.jobs import tasks
from yorozu.jobs.models import Job
from yorozu.jobs.services import job_execute

from .conftest import assert_accessible, log_in, sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to look at the pages (not kept by default)


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _cases(users):
    CaseFactory(hub=users.hub, lead=users.coordinator, opened_on=date(2025, 5, 1),
                client=ClientFactory(hub=users.hub, name="株式会社よろず製作所🍣"))
    CaseFactory(hub=users.hub, lead=users.chief, status="resolved", opened_on=date(2025, 4, 1),
                closed_on=date(2025, 6, 1), client=ClientFactory(hub=users.hub, name="解決商店"))


def test_a_coordinator_downloads_the_filtered_case_list_as_shift_jis_csv(page, users):
    _cases(users)
    log_in(page, users.coordinator)
    page.goto(f"/consultations/{users.hub.jis_code}/cases/?status=open")

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV（Excel用 Shift_JIS）").click()
    download = info.value

    assert download.suggested_filename == "案件一覧_東京都.csv"
    with open(download.path(), "rb") as handle:
        text = handle.read().decode("cp932")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert header[:2] == ["案件ID", "相談者名"]
    assert [row[1] for row in rows] == ["株式会社よろず製作所〓"]  # only the open case


@pytest.fixture
def queued(monkeypatch):
    ids: list[int] = []
    monkeypatch.setattr(tasks.job_run, "apply_async", lambda args, **_options: ids.append(args[0]))
    return ids


def test_the_chief_asks_for_a_monthly_report_as_utf8_csv(page, users, queued):
    log_in(page, users.chief)
    page.goto(f"/evaluation/reports/{users.hub.jis_code}/")
    page.get_by_label("CSV（UTF-8）").check()
    page.locator("form.report-form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert len(queued) == 1 and job_execute(queued[0]) == Job.Status.DONE

    link = page.locator(".job-progress a")
    expect(link).to_be_visible(timeout=15_000)
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(info.value.path()) as archive:
        assert archive.namelist()[0] == "1_概要.csv"
        assert archive.read("1_概要.csv").startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("width", [1366, 390])
def test_pages_with_downloads_are_accessible(page, users, width):
    _cases(users)
    agency = AgencyFactory(hub=users.hub)
    ReferralFactory(hub=users.hub, agency=agency, case__lead=users.coordinator)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, users.chief)
    code = users.hub.jis_code
    for name, path in [("cases", f"/consultations/{code}/cases/"),
                       ("followups", f"/consultations/{code}/followups/"),
                       ("agencies", f"/hubs/{code}/agencies/"),
                       ("dashboard", f"/evaluation/plans/dashboards/hub/{code}/"),
                       ("report", f"/evaluation/reports/{code}/")]:
        page.goto(path)
        expect(page.locator("main")).to_contain_text("Excel")
        assert_accessible(page)
        _shot(page, f"{name}-{width}")
