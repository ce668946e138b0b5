"""Plan emails are jobs: a send that fails in a mail-server outage is retried by the job and
goes out once after it; a run killed after its send is reconciled, not sent again; and a
notification has one job however often it is started."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from evaluation.plans.models import PlanNotification
from evaluation.plans.tasks import plan_notify
from tests.plans.test_plans import submitted_plan
from yorozu.jobs import services as job_services
from yorozu.jobs.models import Job
from yorozu.mail import MessageFileBackend

KIND = "plan_notify"


def refuse(backend, messages):
    raise smtplib.SMTPException("421 service not available")


def submitted_unsent(cast, capture):
    """A submitted plan whose email job is recorded but not run yet."""
    with capture(execute=False):
        plan = submitted_plan(cast)
    return PlanNotification.objects.get(version__plan=plan, event="submitted")


def test_a_plan_email_failed_in_an_outage_is_retried_by_its_job_and_sent_once(
        cast, django_capture_on_commit_callbacks):
    notification = submitted_unsent(cast, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=KIND)
    # The retry is handed to the broker for later (not run here, as eager mode would).
    with mock.patch.object(EmailBackend, "send_messages", refuse), \
            mock.patch.object(job_services, "task_send", return_value=True):
        assert job_services.job_execute(job.pk) == Job.Status.PENDING
    notification.refresh_from_db()
    assert notification.sent_at is None and len(mail.outbox) == 0

    assert job_services.job_execute(job.pk) == Job.Status.DONE  # the retry, after the outage
    assert job_services.job_execute(job.pk) == "skipped"
    assert plan_notify(notification.pk) is False  # an old queued task: nothing more
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.bureau.email]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(
        f"<plannotification-{notification.pk}-submitted@")


def test_a_plan_email_that_keeps_failing_leaves_a_failed_job(
        cast, django_capture_on_commit_callbacks):
    with mock.patch.object(EmailBackend, "send_messages", refuse), \
            django_capture_on_commit_callbacks(execute=True):
        submitted_plan(cast)  # eager: the job and its retries run here
    job = Job.objects.get(kind=KIND)
    assert job.status == Job.Status.FAILED
    assert job.attempts == django_settings.JOB_MAX_ATTEMPTS
    assert PlanNotification.objects.get(event="submitted").sent_at is None
    assert len(mail.outbox) == 0


class WorkerKilled(BaseException):
    """Like kill -9: nothing in the job gets to catch it."""


def test_a_plan_email_sent_but_not_recorded_is_not_sent_again(
        cast, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "yorozu.mail.MessageFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    notification = submitted_unsent(cast, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=KIND)
    real_send = MessageFileBackend.send_messages

    def killed_after_the_send(backend, messages):
        real_send(backend, messages)
        raise WorkerKilled  # the mail went out; the commit recording it never happens

    with mock.patch.object(MessageFileBackend, "send_messages", killed_after_the_send), \
            pytest.raises(WorkerKilled):
        job_services.job_execute(job.pk)
    notification.refresh_from_db()
    assert notification.sent_at is None
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert job_services.job_execute(job.pk) == Job.Status.DONE

    deliveries = (tmp_path / "deliveries.log").read_text().splitlines()
    assert [line.split("\t")[2] for line in deliveries] == [cast.bureau.email]
    notification.refresh_from_db()
    assert notification.sent_at is not None


def test_starting_the_same_notification_twice_makes_one_job(
        cast, django_capture_on_commit_callbacks):
    from evaluation.plans.tasks import notify_start

    notification = submitted_unsent(cast, django_capture_on_commit_callbacks)
    assert notify_start(notification) == notify_start(notification)
    assert plan_notify(notification.pk) is True  # an old queued task runs the same job
    assert plan_notify(notification.pk) is False
    assert Job.objects.filter(kind=KIND).count() == 1
    assert Job.objects.get(kind=KIND).status == Job.Status.DONE
    assert len(mail.outbox) == 1
