"""Report pages in the system Chromium: HQ asks for the national roll-up, watches the page
update itself while the job runs (no reload), downloads the file and finds the database's
totals in it. Plus an axe sweep of both report pages with jobs in every state."""

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook
from playwright.sync_api import expect

from consultations.models import Session
from tests.consultations.factories import CaseFactory, SessionFactory
from yorozu.jobs import tasks
from yorozu.jobs.models import Job
from yorozu.jobs.services import job_execute

from .conftest import assert_accessible, log_in
from .screens import shoot

pytestmark = pytest.mark.browser

FY = 2025


@pytest.fixture
def queued(monkeypatch):
    """Jobs are recorded and enqueued as usual, but no worker takes them: the test runs each
    one itself, while the page is open, as a worker would."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.job_run, "apply_async", lambda args, **_options: ids.append(args[0]))
    return ids


def _sessions(users):
    for hub, lead, days in ((users.hub, users.coordinator,
                             [date(2025, 4, 1), date(2025, 7, 15), date(2026, 3, 31)]),
                            (users.other_hub, users.outsider, [date(2025, 4, 30)])):
        case = CaseFactory(hub=hub, lead=lead, opened_on=date(2025, 4, 1))
        for day in days:
            SessionFactory(hub=hub, case=case, held_on=day)
    SessionFactory(hub=users.hub, case=case, held_on=date(2026, 4, 1))  # the next year


def test_hq_starts_the_national_roll_up_watches_it_finish_and_downloads_it(page, users,
                                                                           queued):
    _sessions(users)
    log_in(page, users.hq)
    page.goto("/evaluation/national/")
    page.locator("main a[href='/evaluation/reports/national/']").click()
    expect(page.locator("#id_fiscal_year")).to_be_visible()
    page.locator("#id_fiscal_year").select_option(str(FY))
    page.locator("form.report-form button[type=submit]").click()

    expect(page.locator(".messages")).to_contain_text("2025")
    progress = page.locator(".job-progress")
    expect(progress).to_have_count(1)
    expect(progress.locator("a")).to_have_count(0)  # nothing to download yet
    assert len(queued) == 1
    page.evaluate("window.reportPageMarker = 'still here'")  # gone if the page reloads

    assert job_execute(queued[0]) == Job.Status.DONE  # the worker's part

    download_link = progress.locator("a")
    expect(download_link).to_be_visible(timeout=15_000)  # htmx polled the finished job
    assert page.evaluate("window.reportPageMarker") == "still here"
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == "よろず全国集計_2025年度.xlsx"

    with open(download.path(), "rb") as handle:  # saved without an extension
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    rows = {row[0]: row for row in book["拠点別"].iter_rows(values_only=True) if row and row[0]}
    in_year = Session.objects.filter(held_on__range=(date(2025, 4, 1), date(2026, 3, 31)))
    assert rows["00"][1] == "全国"
    assert rows["00"][14] == in_year.count() == 4
    assert rows["13"][14] == in_year.filter(hub=users.hub).count() == 3
    assert rows["04"][14] == in_year.filter(hub=users.other_hub).count() == 1
    assert sum(r[5] for r in book["明細"].iter_rows(min_row=2, values_only=True)) == 4
    assert_accessible(page)


def _jobs_in_every_state(users):
    kinds = [("report_hub_monthly", users.hub, {"year": 2025, "month": 4}),
             ("report_national_fy", None, {"fiscal_year": FY})]
    for kind, hub, params in kinds:
        scope = Job.Scope.HUB if hub else Job.Scope.NATIONAL
        for status in Job.Status.values:
            job = Job.objects.create(kind=kind, scope=scope, hub=hub, params=params,
                                     started_by=users.chief if hub else users.hq,
                                     status=status, total=3, done=1,
                                     error="失敗しました" if status == "failed" else "")
            if status == Job.Status.DONE:
                job.result.save("report.xlsx", ContentFile(b"PK\x03\x04"), save=False)
                Job.objects.filter(pk=job.pk).update(result=job.result.name,
                                                     result_name="report.xlsx")


def test_report_pages_are_accessible(page, users):
    _jobs_in_every_state(users)
    log_in(page, users.chief)
    page.goto(f"/hubs/{users.hub.jis_code}/")
    page.locator(f"main a[href='/evaluation/reports/{users.hub.jis_code}/']").click()
    expect(page.locator("#id_month")).to_be_visible()
    expect(page.locator(".job-progress")).to_have_count(4)
    shoot(page, "report-hub")
    assert_accessible(page)
    page.get_by_role("button", name="ログアウト").click()

    log_in(page, users.hq)
    page.goto("/evaluation/reports/national/")
    expect(page.locator(".job-progress")).to_have_count(4)
    assert_accessible(page)
