"""Emails about plan events. A job may run twice (acks_late redelivers it after a worker is
lost), so each notification is claimed with a compare-and-set before its one email is sent."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hubs.models import Appointment
from hubs.roles import Role
from yorozu.core import fiscal

from .models import PlanNotification


def recipients(notification: PlanNotification) -> list[str]:
    """A submission goes to the bureau; a decision goes back to the hub's chief coordinator
    and implementing organization. Only people appointed today, each address once."""
    hub = notification.version.plan.hub
    appointments = Appointment.objects.active().filter(user__is_active=True)
    if notification.event == "submitted":
        appointments = appointments.filter(role=Role.BUREAU, bureau_id=hub.bureau_id)
    else:
        appointments = appointments.filter(hub=hub, role__in=[Role.CHIEF, Role.IMPL_ORG])
    emails = appointments.exclude(user__email="").values_list("user__email", flat=True)
    return sorted(set(emails))


def message(notification: PlanNotification) -> tuple[str, str]:
    version = notification.version
    plan = version.plan
    url = settings.SITE_URL.rstrip("/") + reverse(
        "plans:plan_detail", args=[plan.hub.jis_code, plan.fiscal_year])
    context = {"hub": plan.hub.prefecture_ja, "year": fiscal.fiscal_year_label(plan.fiscal_year),
               "number": version.number}
    if notification.event == "submitted":
        subject = _("%(hub)s submitted its plan for %(year)s (version %(number)s)") % context
        intro = _("The hub's plan is waiting for the bureau's review.")
    elif notification.event == "returned":
        subject = _("The bureau returned the plan of %(hub)s for %(year)s") % context
        intro = _("The bureau returned the plan for revision. Its comments are on the plan "
                  "page, beside the sections they concern.")
    else:
        subject = _("The bureau accepted the plan of %(hub)s for %(year)s") % context
        intro = _("The bureau accepted the plan. It is this year's yardstick.")
    return f"【よろず】{subject}", f"{intro}\n\n{url}\n"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def plan_notify(notification_id: int) -> bool:
    """Sends the notification's email unless it was sent already. Returns whether it sent."""
    claimed = PlanNotification.objects.filter(pk=notification_id, sent_at=None).update(
        sent_at=timezone.now())
    if claimed != 1:
        return False
    notification = PlanNotification.objects.select_related("version__plan__hub").get(
        pk=notification_id)
    to = recipients(notification)
    if not to:
        return False
    try:
        with translation.override("ja"):
            subject, body = message(notification)
        send_mail(subject, body, None, to)
    except Exception:
        # Unclaim, so that a retry can send it; nothing went out.
        PlanNotification.objects.filter(pk=notification_id).update(sent_at=None)
        raise
    return True
