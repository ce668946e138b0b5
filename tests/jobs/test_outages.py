"""A mail server or a job broker that is down never turns a user's saved action into an error
page: the record is saved once, the email or job waits, the page says so, and it goes out
once after the outage (the job's retries, the sweeper)."""

import smtplib
import socket
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from consultations import referrals
from consultations import services as consultation_services
from consultations.models import Referral, ReferralLink
from evaluation.reports.services import HUB_MONTHLY
from evaluation.surveys import agency
from evaluation.surveys.models import AgencySurvey
from hubs import services as hub_services
from hubs.models import Appointment
from tests.consultations.factories import CaseFactory
from tests.hubs.factories import AgencyFactory
from yorozu.celery import app
from yorozu.core import fiscal
from yorozu.jobs import services as job_services
from yorozu.jobs.invitations import INVITATION_JOB
from yorozu.jobs.models import Job
from yorozu.jobs.tasks import job_run
from yorozu.mail import MessageFileBackend

WAITING = "処理の開始を待っています"


@pytest.fixture
def case(cast):
    return CaseFactory(hub=cast.hub, lead=cast.coordinator,
                       client__email="keiri@shiken.example.jp", client__survey_consent=True)


@pytest.fixture
def agency_with_email(cast):
    return AgencyFactory(hub=cast.hub, email="soudan@cci.example.jp")


@pytest.fixture
def smtp_down():
    def refuse(backend, messages):
        raise smtplib.SMTPException("421 service not available")

    with mock.patch.object(EmailBackend, "send_messages", refuse):
        yield


@pytest.fixture
def broker_down(monkeypatch):
    """A real Celery producer (eager mode off) pointed at a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Celery prefers the CELERY_BROKER_URL environment variable (set in CI) to its conf.
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    saved = {"task_always_eager": app.conf.task_always_eager,
             "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{port}/0")
    _drop_connection_pool()
    yield
    app.conf.update(saved)
    _drop_connection_pool()


def _drop_connection_pool():
    # What Celery itself does after a fork: the next send opens a pool for the current URL.
    app._pool = None
    app.amqp._producer_pool = None


def _refer(client, cast, case, agency_, capture, *, execute=True):
    client.force_login(cast.coordinator)
    with capture(execute=execute):
        return client.post(reverse("consultations:referral_create", args=[case.pk]), {
            "agency": agency_.pk, "kind": "referral", "reason": "設備資金の融資相談のため。",
            "follow_up_due": (fiscal.today() + timedelta(days=14)).isoformat()})


def _delivery(client, case) -> str:
    page = client.get(reverse("consultations:case_detail", args=[case.pk]))
    assert page.status_code == 200
    return page.content.decode()


# --- Mail server down ------------------------------------------------------------------------
def test_a_referral_made_while_the_mail_server_is_down_is_saved_once_and_sent_later(
        client, cast, case, agency_with_email, smtp_down,
        django_capture_on_commit_callbacks):
    response = _refer(client, cast, case, agency_with_email, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Referral.objects.count() == 1
    assert not mail.outbox
    job = Job.objects.get(kind=referrals.LINK_JOB)
    assert job.status == Job.Status.FAILED and job.attempts == 3  # retried, then given up
    page = _delivery(client, case)
    assert 'data-status="failed"' in page and "リンク未送信" in page



def test_resending_after_the_outage_sends_the_link_once(
        client, cast, case, agency_with_email, django_capture_on_commit_callbacks):
    with mock.patch.object(EmailBackend, "send_messages",
                           side_effect=ConnectionRefusedError(111, "Connection refused")):
        _refer(client, cast, case, agency_with_email, django_capture_on_commit_callbacks)
    referral = Referral.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the mail server is back
        client.post(reverse("consultations:referral_resend", args=[referral.pk]))
    assert len(mail.outbox) == 1
    assert 'data-status="done"' in _delivery(client, case)
    assert Referral.objects.count() == 1


def test_the_link_waits_while_the_mail_server_is_down_and_the_job_sends_it_once(
        client, cast, case, agency_with_email, django_capture_on_commit_callbacks):
    # The worker has not taken the job yet: the page says the link has not gone.
    response = _refer(client, cast, case, agency_with_email, django_capture_on_commit_callbacks,
                      execute=False)
    assert response.status_code == 302
    job = Job.objects.get(kind=referrals.LINK_JOB)
    assert 'data-status="pending"' in _delivery(client, case)

    def refuse(backend, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    # A try while the mail server is down: the job waits for its next try.
    with mock.patch.object(EmailBackend, "send_messages", refuse), \
            mock.patch.object(job_run, "apply_async") as later:
        assert job_services.job_execute(job.pk) == Job.Status.PENDING
    assert later.call_args.kwargs["countdown"] > 0 and not mail.outbox
    page = _delivery(client, case)
    assert 'data-status="pending"' in page and "自動で再送します" in page

    assert job_services.job_execute(job.pk) == Job.Status.DONE  # the mail server is back
    assert job_services.job_execute(job.pk) == "skipped"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [agency_with_email.email]
    link = ReferralLink.objects.get()
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<referrallink-{link.pk}@")
    assert 'data-status="done"' in _delivery(client, case)
    assert Referral.objects.count() == 1


def test_the_agency_acknowledges_while_the_mail_server_is_down(
        client, cast, case, agency_with_email, django_capture_on_commit_callbacks):
    _refer(client, cast, case, agency_with_email, django_capture_on_commit_callbacks)
    ack_path = "/r/" + mail.outbox[0].body.split("/r/")[1].split("/")[0] + "/"
    visitor = client.__class__()
    assert visitor.post(ack_path).status_code == 302

    def refuse(backend, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with mock.patch.object(EmailBackend, "send_messages", refuse), \
            django_capture_on_commit_callbacks(execute=True):
        answered = visitor.post(reverse("referral_visit"), {"action": "acting"})
    assert answered.status_code in (200, 302)
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.ACTING
    report_job = Job.objects.filter(kind=referrals.LINK_JOB).latest("pk")
    assert report_job.status == Job.Status.FAILED and len(mail.outbox) == 1
    assert 'data-status="failed"' in _delivery(client, case)

    # The mail server is back; the coordinator sends the agency a new report link.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consultations:referral_resend", args=[referral.pk]))
    assert len(mail.outbox) == 2
    assert ReferralLink.objects.latest("pk").purpose == ReferralLink.Purpose.REPORT
    assert 'data-status="done"' in _delivery(client, case)


def _proposal(cast) -> Appointment:
    today = fiscal.today()
    return hub_services.appointment_propose(
        hub=cast.hub, by=cast.chief, email="newcomer@example.jp", family_name="新井",
        given_name="一", starts_on=today,
        ends_on=fiscal.fiscal_year_end(fiscal.fiscal_year_of(today)))


def test_an_appointment_invitation_is_sent_once_by_its_job_after_the_mail_server_is_back(
        client, cast, django_capture_on_commit_callbacks):
    proposal = _proposal(cast)
    client.force_login(cast.bureau)
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run it yet
        approved = client.post(reverse("hubs:appointment_approve", args=[proposal.pk]))
    assert approved.status_code == 302
    job = Job.objects.get(kind=INVITATION_JOB)

    def refuse(backend, messages):
        raise smtplib.SMTPException("421 service not available")

    with mock.patch.object(EmailBackend, "send_messages", refuse), \
            mock.patch.object(job_run, "apply_async") as later:
        assert job_services.job_execute(job.pk) == Job.Status.PENDING  # tried again later
    assert later.call_args.kwargs["countdown"] > 0 and not mail.outbox
    proposal.refresh_from_db()
    assert proposal.status == Appointment.Status.APPROVED
    assert proposal.invitation == Appointment.Invitation.FAILED  # the page offers to resend
    page = client.get(reverse("hubs:appointment_list")).content.decode()
    assert "招待メールを送信できませんでした" in page

    assert job_services.job_execute(job.pk) == Job.Status.DONE  # the mail server is back
    Job.objects.filter(pk=job.pk).update(status=Job.Status.PENDING, done=0)  # a repeat run
    assert job_services.job_execute(job.pk) == Job.Status.DONE
    assert [m.to for m in mail.outbox] == [["newcomer@example.jp"]]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(
        f"<appointment-{proposal.pk}-invitation@")
    proposal.refresh_from_db()
    assert proposal.invitation == Appointment.Invitation.SENT


def test_the_job_sends_nothing_once_the_invitation_was_sent_again_by_hand(
        client, cast, django_capture_on_commit_callbacks):
    proposal = _proposal(cast)
    with django_capture_on_commit_callbacks(execute=False):
        hub_services.appointment_approve(appointment=proposal, by=cast.bureau)
    assert hub_services.appointment_invite(appointment=proposal, by=cast.bureau) is True
    assert job_services.job_execute(Job.objects.get(kind=INVITATION_JOB).pk) == "done"
    assert len(mail.outbox) == 1


# --- Broker down -----------------------------------------------------------------------------
def _swept_and_run(job: Job, capture) -> Job:
    """The broker is back: the sweeper's next round enqueues the job (eager here: it runs)."""
    with capture(execute=True):
        assert job_services.jobs_sweep() == 1
    job.refresh_from_db()
    return job


def test_starting_a_report_with_the_broker_down_answers_normally(
        client, cast, broker_down, django_capture_on_commit_callbacks):
    client.force_login(cast.chief)
    url = reverse("reports:report_hub", args=[cast.hub.jis_code])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": f"{fiscal.today():%Y-%m}"})
    assert response.status_code == 302
    job = Job.objects.get(kind=HUB_MONTHLY)
    assert job.status == Job.Status.PENDING and job.enqueued_at is None
    assert WAITING in client.get(url).content.decode()

    with mock.patch.object(job_run, "apply_async") as enqueue, \
            django_capture_on_commit_callbacks(execute=True):
        assert job_services.jobs_sweep() == 1  # the sweeper tries again
    assert enqueue.call_args.args[0] == (job.pk,)


def test_starting_a_survey_with_the_broker_down_answers_normally(
        client, cast, broker_down, django_capture_on_commit_callbacks):
    AgencyFactory(hub=cast.hub, email="a@agency.example.jp")
    survey = agency.survey_create(hub=cast.hub, by=cast.impl_org,
                                  data={"message": "連携の改善に役立てます。"})
    client.force_login(cast.impl_org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("surveys:agency_survey_start", args=[survey.pk]))
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.status == AgencySurvey.Status.OPEN
    job = Job.objects.get(kind=agency.SEND_KIND)
    assert job.status == Job.Status.PENDING and job.enqueued_at is None
    detail = client.get(reverse("surveys:agency_survey_detail", args=[survey.pk]))
    assert WAITING in detail.content.decode()


def test_approving_an_appointment_with_the_broker_down_commits_and_the_sweeper_invites(
        client, cast, broker_down, django_capture_on_commit_callbacks):
    proposal = _proposal(cast)
    client.force_login(cast.bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hubs:appointment_approve", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Appointment.Status.APPROVED and not mail.outbox
    job = Job.objects.get(kind=INVITATION_JOB)
    assert job.status == Job.Status.PENDING and job.enqueued_at is None

    app.conf.update(task_always_eager=True)  # the broker is back (eager: the job runs here)
    assert _swept_and_run(job, django_capture_on_commit_callbacks).status == Job.Status.DONE
    assert [m.to for m in mail.outbox] == [["newcomer@example.jp"]]
    proposal.refresh_from_db()
    assert proposal.invitation == Appointment.Invitation.SENT


def test_closing_a_case_with_the_broker_down_saves_it_and_leaves_the_job_to_the_sweeper(
        cast, case, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consultation_services.case_update(
            case=case, by=cast.coordinator, data={"status": "resolved",
                                                  "closed_on": fiscal.today()},
            topics=None, version=case.version)
    case.refresh_from_db()
    assert case.status == "resolved"
    job = Job.objects.get(kind="satisfaction_send")
    assert job.status == Job.Status.PENDING and job.enqueued_at is None

    app.conf.update(task_always_eager=True)  # the broker is back (eager: the job runs here)
    assert _swept_and_run(job, django_capture_on_commit_callbacks).status == Job.Status.DONE
    assert len(mail.outbox) == 1


# --- A worker killed between the send and the record -----------------------------------------
class WorkerKilled(BaseException):
    """Like kill -9: nothing in the job gets to catch it."""


def test_a_send_interrupted_after_the_mail_was_taken_is_not_delivered_twice(
        cast, settings, tmp_path, django_capture_on_commit_callbacks):
    """The development mailbox keeps what it delivered, so the next run reconciles: it finds
    the message (same Message-ID, same content) and records it instead of sending it again."""
    settings.EMAIL_BACKEND = "yorozu.mail.MessageFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    for i in range(3):
        AgencyFactory(hub=cast.hub, email=f"a{i}@agency.example.jp")
    survey = agency.survey_create(hub=cast.hub, by=cast.impl_org, data={"message": "。"})
    with django_capture_on_commit_callbacks(execute=False):
        job = agency.survey_start(survey=survey, by=cast.impl_org)
    real_send = MessageFileBackend.send_messages
    sent = []

    def killed_after_the_second(backend, messages):
        real_send(backend, messages)
        sent.append(messages)
        if len(sent) == 2:
            raise WorkerKilled  # the mail went out; the commit recording it never happens

    with mock.patch.object(MessageFileBackend, "send_messages", killed_after_the_second), \
            pytest.raises(WorkerKilled):
        job_services.job_execute(job.pk)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert job_services.job_execute(job.pk) == Job.Status.DONE

    deliveries = (tmp_path / "deliveries.log").read_text().splitlines()
    assert sorted(line.split("\t")[2] for line in deliveries) == [
        "a0@agency.example.jp", "a1@agency.example.jp", "a2@agency.example.jp"]
    assert not survey.invitations.filter(sent_at__isnull=True).exists()


def test_a_message_from_an_earlier_database_with_the_same_message_id_is_not_taken_for_it(
        tmp_path):
    backend = MessageFileBackend(file_path=tmp_path)
    old = EmailMessage("件名", "古いリンク", None, ["a@example.jp"],
                       headers={"Message-ID": "<agencyinvitation-1-invite-0@example.jp>"})
    backend.send_messages([old])
    new = EmailMessage("件名", "新しいリンク", None, ["a@example.jp"],
                       headers={"Message-ID": "<agencyinvitation-1-invite-0@example.jp>"})
    assert backend.has_delivered(old) and not backend.has_delivered(new)
