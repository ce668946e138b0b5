"""The daily digest of overdue referrals: one email per lead coordinator per day, however often
the schedule fires or the job runs, listing only their open referrals past the follow-up date
at hubs they work at."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse

from consultations import reminders
from consultations.models import Referral
from tests.consultations.factories import CaseFactory, ClientFactory, ReferralFactory
from tests.hubs.factories import AgencyFactory, UserFactory
from yorozu.core import fiscal
from yorozu.jobs.models import Job
from yorozu.jobs.services import job_execute

TODAY = date(2026, 10, 1)
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(fiscal, "today", lambda: TODAY)


def _referral(hub, lead, client_name, *, due, status=Referral.Status.SENT, agency=None):
    case = CaseFactory(hub=hub, lead=lead, opened_on=date(2026, 9, 1),
                       client=ClientFactory(hub=hub, name=client_name))
    return ReferralFactory(hub=hub, case=case, follow_up_due=due, status=status,
                           agency=agency or AgencyFactory(hub=hub, name=f"{client_name}の紹介先"))


@pytest.fixture
def referrals(cast):
    hub, other = cast.hub, cast.other_hub
    mine = {
        "overdue": _referral(hub, cast.coordinator, "期限超過商事", due=YESTERDAY),
        "reported": _referral(hub, cast.coordinator, "報告済商事", due=date(2026, 9, 1),
                              status=Referral.Status.REPORTED),
        "due_today": _referral(hub, cast.coordinator, "本日期限商事", due=TODAY),
        "future": _referral(hub, cast.coordinator, "来週期限商事", due=TODAY + timedelta(7)),
        "closed": _referral(hub, cast.coordinator, "完了商事", due=YESTERDAY,
                            status=Referral.Status.CLOSED),
        "lapsed": _referral(hub, cast.coordinator, "立消商事", due=YESTERDAY,
                            status=Referral.Status.LAPSED),
    }
    # A case at another hub that names the Tokyo coordinator as lead: its records are not
    # theirs to see, so it never reaches their digest.
    _referral(other, cast.coordinator, "他拠点商事", due=YESTERDAY)
    _referral(hub, cast.chief, "主任担当商事", due=YESTERDAY)
    _referral(other, cast.outsider, "宮城商事", due=YESTERDAY)
    gone = UserFactory(is_active=False)
    _referral(hub, gone, "退職者担当商事", due=YESTERDAY)
    return mine


def _run_day(capture, day=TODAY) -> Job:
    with capture(execute=True):
        job = reminders.referral_reminders_start(day=day)
    job.refresh_from_db()
    return job


def _mail_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_each_lead_gets_one_digest_of_their_overdue_open_referrals(
        cast, referrals, django_capture_on_commit_callbacks):
    job = _run_day(django_capture_on_commit_callbacks)

    assert job.status == Job.Status.DONE
    [digest] = _mail_to(cast.coordinator)
    assert "期限超過商事" in digest.body and "報告済商事" in digest.body
    for name in ("本日期限商事", "来週期限商事", "完了商事", "立消商事", "他拠点商事",
                 "主任担当商事", "宮城商事"):
        assert name not in digest.body, name
    assert "2件" in digest.subject
    assert "期限超過商事の紹介先" in digest.body
    assert "2026年9月30日" in digest.body
    case_url = "http://127.0.0.1:8000" + reverse("consultations:case_detail",
                                                 args=[referrals["overdue"].case_id])
    assert case_url in digest.body
    assert "&amp;" not in digest.body and "&#x27;" not in digest.body


def test_another_hubs_referrals_never_appear_in_a_coordinators_digest(
        cast, referrals, django_capture_on_commit_callbacks):
    _run_day(django_capture_on_commit_callbacks)
    [tokyo] = _mail_to(cast.coordinator)
    [miyagi] = _mail_to(cast.outsider)
    assert "宮城商事" in miyagi.body and "宮城商事" not in tokyo.body
    assert "他拠点商事" not in tokyo.body and "他拠点商事" not in miyagi.body
    assert "期限超過商事" not in miyagi.body


def test_inactive_leads_and_leads_without_overdue_referrals_get_nothing(
        cast, referrals, django_capture_on_commit_callbacks):
    _run_day(django_capture_on_commit_callbacks)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([cast.coordinator.email, cast.chief.email,
                                 cast.outsider.email])
    assert not _mail_to(cast.impl_org)


def test_running_the_days_reminders_twice_sends_one_email_per_coordinator(
        cast, referrals, django_capture_on_commit_callbacks):
    first = _run_day(django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    # The schedule fires again: the same job, not a second one.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reminders.referral_reminders_schedule()
    assert not callbacks
    assert Job.objects.filter(kind=reminders.KIND).count() == 1
    # The job's task is delivered again (a worker died after finishing, say).
    Job.objects.filter(pk=first.pk).update(status=Job.Status.PENDING)
    assert job_execute(first.pk) == Job.Status.DONE
    assert len(mail.outbox) == sent == 3
    assert sorted(Job.objects.get(pk=first.pk).params["sent"]) == sorted(
        [cast.coordinator.pk, cast.chief.pk, cast.outsider.pk])


def test_a_failed_send_is_retried_without_repeating_the_others(
        cast, referrals, monkeypatch, django_capture_on_commit_callbacks):
    original = EmailMessage.send
    failures = {cast.chief.email: 1}

    def flaky(message, *args, **kwargs):
        if failures.get(message.to[0]):
            failures[message.to[0]] -= 1
            raise ConnectionError("mail server went away")
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    job = _run_day(django_capture_on_commit_callbacks)  # retried at once: tasks run eagerly

    assert job.status == Job.Status.DONE and job.attempts == 2
    assert [len(_mail_to(u)) for u in (cast.coordinator, cast.chief, cast.outsider)] == [1, 1, 1]


def test_the_message_id_is_the_same_for_a_repeat_on_the_same_day(
        cast, referrals, django_capture_on_commit_callbacks):
    _run_day(django_capture_on_commit_callbacks)
    [digest] = _mail_to(cast.coordinator)
    assert digest.extra_headers["Message-ID"] == (
        f"<referral-reminders-2026-10-01-{cast.coordinator.pk}@localhost>")
    assert digest.message()["Message-ID"] == digest.extra_headers["Message-ID"]


def test_the_next_day_is_a_new_job_and_a_new_digest(cast, referrals,
                                                     django_capture_on_commit_callbacks):
    _run_day(django_capture_on_commit_callbacks)
    _run_day(django_capture_on_commit_callbacks, day=TODAY + timedelta(days=1))
    assert Job.objects.filter(kind=reminders.KIND).count() == 2
    assert len(_mail_to(cast.coordinator)) == 2
    ids = {m.extra_headers["Message-ID"] for m in _mail_to(cast.coordinator)}
    assert len(ids) == 2


def test_the_reminder_job_is_national_and_seen_by_hq_only(cast, referrals, client,
                                                           django_capture_on_commit_callbacks):
    job = _run_day(django_capture_on_commit_callbacks)
    assert (job.scope, job.started_by, job.dedupe_key) == (
        Job.Scope.NATIONAL, None, "referral_reminders:2026-10-01")
    for user in (cast.coordinator, cast.chief, cast.bureau):
        client.force_login(user)
        assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 404
    client.force_login(cast.hq)
    response = client.get(reverse("jobs:job_status", args=[job.pk]))
    assert response.status_code == 200
    assert job.total == 3 and job.done == 3
