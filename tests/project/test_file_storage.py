"""Files the app keeps go through Django's storage API only, so that a bucket shared by several
web and worker replicas can hold them. Here an in-memory storage takes the disk's place (no
network, no path on the disk): a report job writes its result there and the jobs page streams
it back; an import's rejected rows are kept and downloaded the same way."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.urls import reverse
from openpyxl import load_workbook

from consultations.models import ImportBatch
from evaluation.reports.jobs import HUB_MONTHLY
from tests.consultations.test_import import _csv, _post, _row
from yorozu.jobs.models import Job
from yorozu.jobs.services import job_start


@pytest.fixture
def memory_storage(settings):
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    assert isinstance(storages["default"], InMemoryStorage)
    _DISK_BEFORE.clear()
    _DISK_BEFORE.update(_disk_files())
    return default_storage


# Files already on this process's disk storage before the test (other tests of the worker
# write theirs there, possibly under the same names): only a new one would be this test's.
_DISK_BEFORE: set[str] = set()


def _disk_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def _on_disk(name: str) -> bool:
    return name in _disk_files() - _DISK_BEFORE


def _report(cast, capture) -> Job:
    with capture(execute=True):
        job = job_start(kind=HUB_MONTHLY, by=cast.chief, hub=cast.hub,
                        params={"year": 2025, "month": 4})
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job


def test_a_report_jobs_result_is_written_to_the_storage_and_downloaded_from_it(
        memory_storage, client, cast, django_capture_on_commit_callbacks):
    job = _report(cast, django_capture_on_commit_callbacks)

    assert memory_storage.exists(job.result.name) and not _on_disk(job.result.name)
    client.force_login(cast.coordinator)
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    assert "概要" in book.sheetnames
    # Still only through the tenancy door: another hub's user gets the 404 of a missing job.
    client.force_login(cast.outsider)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_a_result_gone_from_the_storage_is_a_404_not_an_error(
        memory_storage, client, cast, django_capture_on_commit_callbacks):
    job = _report(cast, django_capture_on_commit_callbacks)
    memory_storage.delete(job.result.name)

    client.force_login(cast.chief)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_an_imports_rejected_rows_are_kept_in_the_storage_and_downloaded_from_it(
        memory_storage, client, cast):
    coordinator = cast.coordinator
    client.force_login(coordinator)
    _post(client, _csv([_row(coordinator), _row(coordinator, {"相談者名": "直す",
                                                              "相談方法": "手紙"})]),
          valid_only=True)
    batch = ImportBatch.objects.get()
    assert batch.rejected == 1
    assert memory_storage.exists(batch.rejected_file.name)
    assert not _on_disk(batch.rejected_file.name)

    download = client.get(reverse("consultations:import_rejected", args=[batch.pk]))

    assert download.status_code == 200
    header, *rows = load_workbook(io.BytesIO(download.getvalue()),
                                  read_only=True).worksheets[0].iter_rows(values_only=True)
    assert header[-1] == "エラー" and [row[header.index("相談者名")] for row in rows] == ["直す"]
    client.force_login(cast.outsider)
    assert client.get(reverse("consultations:import_rejected",
                              args=[batch.pk])).status_code == 404
