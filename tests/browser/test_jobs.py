"""The jobs page in the browser: a running job's bar moves and turns into a download button
without a reload, and the page passes axe."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from yorozu.jobs.models import Job

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_progress_updates_live_until_the_download_appears(page, users):
    job = Job.objects.create(kind="report_hub_monthly", scope=Job.Scope.HUB, hub=users.hub,
                             started_by=users.chief, status=Job.Status.RUNNING, done=10,
                             total=40, params={"year": 2026, "month": 4})
    log_in(page, users.chief)
    page.goto("/jobs/")
    bar = page.locator("progress.job-bar")
    expect(bar).to_have_attribute("value", "25")
    assert_accessible(page)

    Job.objects.filter(pk=job.pk).update(done=30)
    expect(bar).to_have_attribute("value", "75")  # polled, not reloaded

    job.result.save("r.xlsx", ContentFile(b"PK report"), save=False)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, done=40,
                                         result=job.result.name, result_name="月次報告.xlsx")
    link = page.get_by_role("link", name="月次報告.xlsx をダウンロード")
    expect(link).to_be_visible()
    expect(bar).to_have_attribute("value", "100")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "月次報告.xlsx"
    page.mouse.move(0, 0)  # Bootstrap's hover colours are not what is being checked
    assert_accessible(page)
