"""Exactly one invitation per recipient, even when the worker sending a 1,000-agency campaign
is killed with SIGKILL halfway and the job runs again on a fresh worker: real Redis broker,
real worker processes, real database, development mail files."""

import email
import os
import signal
import time
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from celery import Celery

from evaluation.surveys import agency
from evaluation.surveys.models import AgencyInvitation, AgencySurvey
from hubs.models import SupportAgency
from tests.conftest import TEST_REDIS_URL
from tests.jobs.test_celery_worker import _wait_for, running_worker
from yorozu.core import fiscal
from yorozu.jobs import tasks as job_tasks
from yorozu.jobs.models import Job

RECIPIENTS = 1000
# The relaunched worker's sweeper takes a job as abandoned after this many quiet seconds.
STALE_SECONDS = 3


def _campaign(cast) -> AgencySurvey:
    SupportAgency.objects.bulk_create(
        SupportAgency(hub=cast.hub, name=f"支援機関{i:04d}", kind=SupportAgency.Kind.OTHER,
                      email=f"agency{i:04d}@example.jp") for i in range(RECIPIENTS))
    return AgencySurvey.objects.create(
        hub=cast.hub, fiscal_year=fiscal.current_fiscal_year(), title="連携アンケート",
        deadline=fiscal.today() + timedelta(days=21), created_by=cast.impl_org)


def _sent() -> int:
    return AgencyInvitation.objects.filter(sent_at__isnull=False).count()


def _recipients_of(mail_dir) -> list[str]:
    found = []
    for path in mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        found.append(str(make_header(decode_header(message["To"]))))
    return found


@pytest.mark.real_worker
@pytest.mark.needs_redis
def test_killing_the_worker_mid_campaign_sends_each_invitation_exactly_once(
        transactional_db, cast, tmp_path, monkeypatch):
    import redis

    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    monkeypatch.setenv("CELERY_BROKER_URL", TEST_REDIS_URL)
    monkeypatch.setenv("JOB_STALE_SECONDS", str(STALE_SECONDS))
    monkeypatch.setenv("EMAIL_BACKEND", "yorozu.mail.MessageFileBackend")
    broker = Celery("test-client", broker=TEST_REDIS_URL, set_as_current=False)
    # Enqueue through the real broker, as production does, instead of eager mode.
    monkeypatch.setattr(job_tasks.job_run, "apply_async",
                        lambda args, **options: broker.send_task(
                            "yorozu.jobs.tasks.job_run", args=list(args),
                            countdown=options.get("countdown")))
    survey = _campaign(cast)
    mail_dir = tmp_path / "mail"
    log = tmp_path / "worker.log"

    with running_worker(TEST_REDIS_URL, tmp_path) as worker:
        job = agency.survey_start(survey=survey, by=cast.impl_org)
        deadline = time.monotonic() + 120
        while _sent() < RECIPIENTS // 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    sent_at_kill = _sent()
    assert sent_at_kill < RECIPIENTS, "the worker finished before it could be killed"
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING

    with running_worker(TEST_REDIS_URL, tmp_path):
        time.sleep(STALE_SECONDS + 0.5)
        broker.send_task("yorozu.jobs.tasks.jobs_sweep")  # what beat does every minute
        _wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE, 180, log)

    job.refresh_from_db()
    assert job.attempts == 2 and job.done == job.total == RECIPIENTS
    assert _sent() == RECIPIENTS
    recipients = _recipients_of(mail_dir)
    expected = {f"agency{i:04d}@example.jp" for i in range(RECIPIENTS)}
    assert sorted(recipients) == sorted(expected), "someone got none or two invitations"
    # The delivery log counts attempts: at most the one in flight at the kill was repeated,
    # and a repeat is the same message (same Message-ID, hence still one file above).
    deliveries = (mail_dir / "deliveries.log").read_text().splitlines()
    assert RECIPIENTS <= len(deliveries) <= RECIPIENTS + 1
    print(f"killed after {sent_at_kill} of {RECIPIENTS}; {len(deliveries)} deliveries")
