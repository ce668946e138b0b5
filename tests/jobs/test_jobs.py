"""The job framework: a row per job, claimed once, retried, swept when stuck, shown live and
downloadable only by those who may see the data behind it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from hubs.roles import VIEW_AGGREGATES
from yorozu.jobs import services
from yorozu.jobs.models import Job
from yorozu.jobs.registry import register
from yorozu.mail import MessageFileBackend

ran_jobs: list[int] = []


@register("test_count", label="Count to three", perm=VIEW_AGGREGATES)
def _count(job, progress):
    progress.total(3)
    for done in range(1, 4):
        progress.set(done)
    ran_jobs.append(job.pk)
    progress.summary("counted")


@register("test_broken", label="Always fails", perm=VIEW_AGGREGATES)
def _broken(job, progress):
    raise RuntimeError("the mail server is down")


@pytest.fixture(autouse=True)
def _no_runs():
    ran_jobs.clear()


def _job(cast, **fields) -> Job:
    defaults = {"kind": "test_count", "scope": Job.Scope.HUB, "hub": cast.hub}
    return Job.objects.create(**{**defaults, **fields})


def test_a_job_is_enqueued_only_when_its_transaction_commits(cast,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.job_start(kind="test_count", by=cast.chief, hub=cast.hub)
        assert ran_jobs == []
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert ran_jobs == [job.pk]
    assert (job.status, job.done, job.total, job.summary) == ("done", 3, 3, "counted")
    assert job.attempts == 1 and job.finished_at is not None


def test_a_second_delivery_of_a_finished_job_does_nothing(cast):
    job = _job(cast)
    assert services.job_execute(job.pk) == "done"
    assert services.job_execute(job.pk) == "skipped"
    assert ran_jobs == [job.pk]


def test_a_running_job_is_left_to_its_worker_until_it_goes_quiet(cast, settings):
    now = timezone.now()
    alive = _job(cast, status=Job.Status.RUNNING, heartbeat_at=now, attempts=1)
    quiet = _job(cast, status=Job.Status.RUNNING, attempts=1,
                 heartbeat_at=now - timedelta(seconds=settings.JOB_STALE_SECONDS + 1))
    assert services.job_execute(alive.pk) == "skipped"
    assert services.job_execute(quiet.pk) == "done"
    quiet.refresh_from_db()
    assert quiet.attempts == 2
    assert ran_jobs == [quiet.pk]


def test_a_failing_job_is_retried_then_marked_failed_with_a_message(cast, settings):
    # Eager mode runs each retry at once, so all attempts happen inside this call.
    job = _job(cast, kind="test_broken")
    services.job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.attempts == settings.JOB_MAX_ATTEMPTS
    assert str(settings.JOB_MAX_ATTEMPTS) in job.error
    assert "mail server" not in job.error  # the user sees no internals


def test_the_sweeper_re_enqueues_stuck_jobs_and_leaves_live_ones(cast, settings,
                                                                django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(hours=2)
    lost = _job(cast, enqueued_at=long_ago)  # its message never reached a worker
    dead = _job(cast, status=Job.Status.RUNNING, heartbeat_at=long_ago, enqueued_at=long_ago)
    fresh = _job(cast, enqueued_at=timezone.now())
    busy = _job(cast, status=Job.Status.RUNNING, heartbeat_at=timezone.now(),
                enqueued_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_sweep() == 2
    assert sorted(ran_jobs) == sorted([lost.pk, dead.pk])
    assert Job.objects.get(pk=fresh.pk).status == "pending"
    assert Job.objects.get(pk=busy.pk).status == "running"


def test_a_scheduled_job_with_the_same_key_is_recorded_once(cast,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.job_start(kind="test_count", hub=cast.hub, dedupe_key="k:13:2026-10")
        second = services.job_start(kind="test_count", hub=cast.hub, dedupe_key="k:13:2026-10")
    assert first.pk == second.pk
    assert Job.objects.filter(dedupe_key="k:13:2026-10").count() == 1
    assert ran_jobs == [first.pk]


def test_progress_is_written_throttled_but_the_last_step_always(cast):
    job = _job(cast, status=Job.Status.RUNNING)
    progress = services.Progress(job)
    progress.total(100)
    progress.set(1)
    progress.set(2)  # within the interval: not written
    assert Job.objects.get(pk=job.pk).done == 1
    progress.set(100, force=True)
    assert Job.objects.get(pk=job.pk).done == 100


# --- Pages -----------------------------------------------------------------------------------
def _finished_report(hub, by=None) -> Job:
    job = Job.objects.create(kind="test_count", scope=Job.Scope.HUB, hub=hub, started_by=by,
                             status=Job.Status.DONE, done=3, total=3)
    job.result.save("figures.xlsx", ContentFile(b"PK-figures"), save=False)
    Job.objects.filter(pk=job.pk).update(result=job.result.name, result_name="集計.xlsx")
    return job


def test_the_jobs_page_shows_own_and_scheduled_jobs_with_live_progress(client, cast):
    mine = _job(cast, started_by=cast.chief, status=Job.Status.RUNNING, done=40, total=100)
    scheduled = _finished_report(cast.hub)
    elsewhere = _finished_report(cast.other_hub)
    client.force_login(cast.chief)
    body = client.get(reverse("jobs:job_list")).content.decode()
    assert 'value="40"' in body
    assert f'hx-get="{reverse("jobs:job_status", args=[mine.pk])}"' in body
    assert reverse("jobs:job_download", args=[scheduled.pk]) in body
    assert reverse("jobs:job_status", args=[elsewhere.pk]) not in body
    assert reverse("jobs:job_download", args=[elsewhere.pk]) not in body


def test_a_finished_job_stops_polling(client, cast):
    job = _finished_report(cast.hub)
    client.force_login(cast.coordinator)
    body = client.get(reverse("jobs:job_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in body and 'value="100"' in body


@pytest.mark.parametrize("role", ["coordinator", "chief", "impl_org", "bureau", "hq"])
def test_the_hubs_readers_download_its_result_whoever_started_it(client, cast, role):
    job = _finished_report(cast.hub, by=cast.chief)
    client.force_login(cast.by_role()[role])
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-figures"
    assert "filename*=UTF-8''%E9%9B%86%E8%A8%88.xlsx" in response["Content-Disposition"]


def test_another_hubs_result_is_a_404_like_a_missing_one(client, cast):
    job = _finished_report(cast.other_hub, by=cast.outsider)
    client.force_login(cast.chief)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:job_download", args=[job.pk + 999])).status_code == 404
    assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 404


def test_a_national_job_is_for_hq_only(client, cast):
    job = Job.objects.create(kind="test_count", scope=Job.Scope.NATIONAL,
                             status=Job.Status.DONE)
    client.force_login(cast.bureau)
    assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 404
    client.force_login(cast.hq)
    assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 200


def test_an_unfinished_job_has_nothing_to_download(client, cast):
    job = _job(cast, status=Job.Status.RUNNING)
    client.force_login(cast.chief)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("jobs", [2, 40])
def test_jobs_page_query_count_does_not_grow_with_jobs(client, cast, jobs,
                                                       django_assert_max_num_queries):
    for _ in range(jobs):
        _job(cast, started_by=cast.chief)
        _finished_report(cast.hub)
    client.force_login(cast.chief)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("jobs:job_list")).status_code == 200


# --- Development mail ------------------------------------------------------------------------
def _message(message_id: str, to: str) -> EmailMessage:
    return EmailMessage("件名", "本文", "hub@example.jp", [to], headers={"Message-ID": message_id})


def test_development_mail_keeps_one_file_per_message_id_and_logs_every_delivery(tmp_path):
    backend = MessageFileBackend(file_path=tmp_path)
    backend.send_messages([_message("<a-1@yorozu>", "a@example.jp")])
    backend.send_messages([_message("<a-1@yorozu>", "a@example.jp")])  # a repeat
    backend.send_messages([_message("<b-1@yorozu>", "b@example.jp")])
    files = sorted(p.name for p in Path(tmp_path).glob("*.eml"))
    assert files == ["a-1@yorozu.eml", "b-1@yorozu.eml"]
    assert not list(Path(tmp_path).glob("*.tmp"))
    log = (tmp_path / "deliveries.log").read_text().splitlines()
    assert [line.split("\t")[1:] for line in log] == [
        ["a-1@yorozu", "a@example.jp"], ["a-1@yorozu", "a@example.jp"],
        ["b-1@yorozu", "b@example.jp"]]
    assert "件名" in (tmp_path / "a-1@yorozu.eml").read_bytes().decode("utf-8", "replace") \
        or "=?utf-8?" in (tmp_path / "a-1@yorozu.eml").read_text()


def test_jobs_go_through_the_same_door_as_other_hub_owned_rows(cast):
    from django.http import Http404

    from hubs.scoping import get_for_user_or_404

    job = Job.objects.create(kind="report_hub_monthly", scope=Job.Scope.HUB, hub=cast.hub,
                             started_by=cast.chief)
    assert get_for_user_or_404(Job.objects, cast.chief, pk=job.pk) == job
    assert list(Job.objects.for_user(cast.hq)) == [job]
    assert not Job.objects.for_user(cast.outsider).exists()
    with pytest.raises(Http404):
        get_for_user_or_404(Job.objects, cast.outsider, pk=job.pk)
