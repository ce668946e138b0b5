"""Emails about plan events, one job (kind `plan_notify`) per notification, so a failed send
is retried by the job framework and shows on the jobs page when it gives up. The job may run
twice (a worker lost after the send, a retry): the notification is locked and tested, sent
with a Message-ID fixed for it, and recorded in one transaction (yorozu.mail.send_claimed)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hubs.models import Appointment
from hubs.roles import Role
from yorozu.core import fiscal
from yorozu.jobs.registry import register
from yorozu.jobs.services import job_execute, job_start
from yorozu.mail import send_claimed
from yorozu.notifications.services import notify

from .models import PlanNotification
from .permissions import VIEW_PLAN

KIND = "plan_notify"


def recipient_users(notification: PlanNotification):
    """A submission goes to the bureau; a decision goes back to the hub's chief coordinator
    and implementing organization. Only people appointed today."""
    hub = notification.version.plan.hub
    appointments = Appointment.objects.active().filter(user__is_active=True)
    if notification.event == "submitted":
        appointments = appointments.filter(role=Role.BUREAU, bureau_id=hub.bureau_id)
    else:
        appointments = appointments.filter(hub=hub, role__in=[Role.CHIEF, Role.IMPL_ORG])
    return appointments


def recipients(notification: PlanNotification) -> list[str]:
    """The addresses of recipient_users, each once."""
    emails = (recipient_users(notification).exclude(user__email="")
              .values_list("user__email", flat=True))
    return sorted(set(emails))


# The email's subject and the in-app notification's text (translated when shown).
SUBJECTS = {
    "submitted": gettext_noop("%(hub)s submitted its plan for %(year)s (version %(number)s)"),
    "returned": gettext_noop("The bureau returned the plan of %(hub)s for %(year)s"),
    "accepted": gettext_noop("The bureau accepted the plan of %(hub)s for %(year)s"),
}


def _context(notification: PlanNotification) -> dict:
    plan = notification.version.plan
    return {"hub": plan.hub.prefecture_ja, "year": fiscal.fiscal_year_label(plan.fiscal_year),
            "number": notification.version.number}


def _path(notification: PlanNotification) -> str:
    plan = notification.version.plan
    return reverse("plans:plan_detail", args=[plan.hub.jis_code, plan.fiscal_year])


def message(notification: PlanNotification) -> tuple[str, str]:
    url = settings.SITE_URL.rstrip("/") + _path(notification)
    subject = _(SUBJECTS[notification.event]) % _context(notification)
    if notification.event == "submitted":
        intro = _("The hub's plan is waiting for the bureau's review.")
    elif notification.event == "returned":
        intro = _("The bureau returned the plan for revision. Its comments are on the plan "
                  "page, beside the sections they concern.")
    else:
        intro = _("The bureau accepted the plan. It is this year's yardstick.")
    return f"【よろず】{subject}", f"{intro}\n\n{url}\n"


def notify_start(notification: PlanNotification):
    """The notification's job, recorded now and enqueued after the caller's commit; one job
    per notification however often it is started."""
    return job_start(kind=KIND, hub=notification.version.plan.hub, total=1,
                     dedupe_key=f"{KIND}:{notification.pk}",
                     params={"notification": notification.pk, "event": notification.event})


@register(KIND, label=gettext_lazy("Annual plan email"), perm=VIEW_PLAN)
def notify_run(job, progress) -> None:
    """Sends the notification unless it was sent already. A failure raises: the
    notification stays unsent and the job framework retries it."""
    notification_send(job.params["notification"])
    progress.set(1, force=True)


def notification_send(notification_id: int) -> bool:
    """Returns whether this call sent (or, with nobody to tell, recorded) the notification."""
    return send_claimed(claim=lambda: _claim(notification_id), build=_email, record=_record)


def _record(notification: PlanNotification) -> None:
    """Sent: recorded, and the same people notified in the app, in the send's transaction."""
    PlanNotification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
    with translation.override("ja"):  # the values; the sentence is translated when shown
        context = _context(notification)
    notify(recipients=recipient_users(notification).values_list("user_id", flat=True),
           kind=f"plan_{notification.event}", message=SUBJECTS[notification.event],
           params=context, url=_path(notification), key=f"plan_notification:{notification.pk}")


def _claim(notification_id: int) -> PlanNotification | None:
    return (PlanNotification.objects.select_for_update(of=("self",))
            .select_related("version__plan__hub")
            .filter(pk=notification_id, sent_at=None).first())


def _email(notification: PlanNotification) -> EmailMessage | None:
    to = recipients(notification)
    if not to:
        return None
    with translation.override("ja"):
        subject, body = message(notification)
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "yorozu.localhost"
    # Fixed per notification: a send repeated after a crash is the same message.
    return EmailMessage(subject, body, None, to, headers={
        "Message-ID": f"<plannotification-{notification.pk}-{notification.event}@{domain}>"})


@shared_task(acks_late=True, reject_on_worker_lost=True)
def plan_notify(notification_id: int) -> bool:
    """The task plan emails went through before they were jobs, kept for messages still
    queued under its name: it starts the notification's job and runs it here. Returns
    whether this call sent the notification."""
    notification = (PlanNotification.objects.select_related("version__plan__hub")
                    .filter(pk=notification_id).first())
    if notification is None or notification.sent_at is not None:
        return False
    with transaction.atomic():
        job = notify_start(notification)
    job_execute(job.pk)  # "skipped" if a worker has it already: that run sends it
    return PlanNotification.objects.filter(pk=notification_id, sent_at__isnull=False).exists()
