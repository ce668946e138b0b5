"""The daily reminder of overdue referrals: each case lead with open referrals past their
follow-up date gets one Japanese digest of them.

Exactly once per coordinator per day. The day's job (one per date, by its dedupe key) keeps
the ids of the coordinators already done in params["sent"]. Each one is claimed, sent and
recorded in one transaction that holds the job row locked, so a second run of the job (a
redelivered task, the sweeper) waits for the first and then skips whoever it sent. A worker
killed before the commit leaves the coordinator unrecorded, and the next run sends again with
the same Message-ID, which mail systems take as the same message.

Celery beat starts the day's job (referral_reminders_schedule, CELERY_BEAT_SCHEDULE)."""

import logging
from datetime import date

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from hubs.models import Hub
from hubs.roles import VIEW_AGGREGATES
from yorozu.core import fiscal
from yorozu.jobs.models import Job
from yorozu.jobs.registry import register
from yorozu.jobs.services import job_start
from yorozu.mail import send_claimed
from yorozu.notifications.services import notify

from .models import Referral
from .selectors import referrals_overdue

logger = logging.getLogger(__name__)

KIND = "referral_reminders"
SENT, NOTHING, SKIPPED, FAILED = "sent", "nothing", "skipped", "failed"


def referral_reminders_start(*, day: date) -> Job:
    """The day's job; the dedupe key makes a second firing of the schedule return it."""
    return job_start(kind=KIND, params={"date": day.isoformat(), "sent": []},
                     dedupe_key=f"{KIND}:{day.isoformat()}")


# The registered name is the one from the days when the reminders lived in evaluation:
# the beat schedule and any message already queued in Redis name it so.
@shared_task(name="evaluation.tasks.referral_reminders_schedule")
def referral_reminders_schedule() -> int:
    """Daily: the day's overdue-referral reminders. Returns the job's id."""
    return referral_reminders_start(day=fiscal.today()).pk


def _day(job) -> date:
    return date.fromisoformat(job.params["date"])


@register(KIND, label=_("Overdue referral reminders"), perm=VIEW_AGGREGATES,
          describe=lambda job: date_format(_day(job), "DATE_FORMAT"))
def referral_reminders(job, progress) -> None:
    day = _day(job)
    leads = reminder_recipients(day=day)
    progress.total(len(leads))
    outcomes = []
    for done, lead in enumerate(leads, start=1):
        outcomes.append(_remind(job_pk=job.pk, lead=lead, day=day))
        progress.set(done)
    sent = len(Job.objects.get(pk=job.pk).params.get("sent", []))
    progress.summary(gettext("Coordinators reminded: %(n)s.") % {"n": sent})
    failed = outcomes.count(FAILED)
    if failed:
        # The job is tried again later; the coordinators already done are skipped then.
        raise RuntimeError(f"{failed} reminder(s) could not be sent")


def reminder_recipients(*, day: date) -> list:
    """Active coordinators with an email address who lead a case with an overdue referral."""
    leads = (Referral.objects.filter(status__in=Referral.OPEN_STATUSES, follow_up_due__lt=day)
             .values("case__lead"))
    return list(get_user_model().objects.filter(pk__in=leads, is_active=True)
                .exclude(email="").order_by("pk"))


def _remind(*, job_pk: int, lead, day: date) -> str:
    referrals = []

    def claim():
        # The job row, locked: a second run of the job waits here, then skips whoever is done.
        job = Job.objects.select_for_update().get(pk=job_pk)
        return None if lead.pk in job.params.get("sent", []) else job

    def build(job):
        # Scoped by the lead's own access as well as by lead: a coordinator who has left
        # a hub is not sent its records.
        referrals[:] = referrals_overdue(user=lead, lead=lead, today=day)
        return digest_message(lead=lead, referrals=referrals, day=day) if referrals else None

    def record(job):
        sent = [*job.params.get("sent", []), lead.pk]
        Job.objects.filter(pk=job_pk).update(params={**job.params, "sent": sent})
        if referrals:
            _notify(lead=lead, referrals=referrals, day=day)

    try:
        if not send_claimed(claim=claim, build=build, record=record):
            return SKIPPED
    except Exception:
        logger.exception("referral reminder to user %s failed", lead.pk)
        return FAILED
    return SENT if referrals else NOTHING


def _notify(*, lead, referrals: list, day: date) -> None:
    """The digest's in-app notification, in the transaction that records the email sent."""
    hub_ids = {referral.hub_id for referral in referrals}
    url = reverse("home")  # referrals at more than one hub: the home page lists them all
    if len(hub_ids) == 1:
        jis_code = Hub.objects.values_list("jis_code", flat=True).get(pk=hub_ids.pop())
        url = reverse("consultations:followups", args=[jis_code])
    notify(recipients=[lead], kind="referral_reminders", url=url,
           message=gettext_noop("%(n)s of your referrals are past their follow-up date."),
           params={"n": len(referrals)}, key=f"referral_reminders:{day.isoformat()}")


def digest_message(*, lead, referrals: list, day: date) -> EmailMessage:
    site = settings.SITE_URL.rstrip("/")
    for referral in referrals:
        referral.case_url = site + reverse("consultations:case_detail", args=[referral.case_id])
    with translation.override("ja"):  # coordinators work in Japanese
        context = {"lead": lead, "referrals": referrals, "day": day, "site": site}
        subject = render_to_string("consultations/referral_reminder_subject.txt",
                                   context).strip()
        body = render_to_string("consultations/referral_reminder.txt", context)
    return EmailMessage(subject, body, None, [lead.email],
                        headers={"Message-ID": message_id(lead=lead, day=day)})


def message_id(*, lead, day: date) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "yorozu.localhost"
    return f"<referral-reminders-{day.isoformat()}-{lead.pk}@{domain}>"
