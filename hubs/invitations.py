"""The email a person gets when the bureau approves their appointment: a link to set their
first password (hubs.tokens) or, for an account that already has one, word that
the appointment is in force and where to log in. The hub cannot tell the two apart (it must
not learn whether the email it typed had an account): either is recorded as "sent".

Sent after the approval commits and never allowed to undo it: when the mail server is down,
the failure is logged and recorded on the appointment, whose row on the appointments page
then says so and offers to send it again."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from yorozu.core import fiscal

from .models import Appointment
from .tokens import activation_url, link_days

logger = logging.getLogger(__name__)


def invitable(appointment: Appointment) -> bool:
    """Whether an invitation makes sense: approved, not over, for an active account."""
    return (appointment.status == Appointment.Status.APPROVED
            and appointment.ends_on >= fiscal.today() and appointment.user.is_active)


def invitation_send(*, appointment: Appointment) -> bool:
    """Emails the appointment's person and records on the appointment whether the mail server
    took the message. Returns whether it did."""
    if not invitable(appointment):
        return False
    subject, body = _message(appointment)
    try:
        send_mail(subject, body, None, [appointment.user.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("Invitation for appointment %s not sent", appointment.pk)
        outcome = Appointment.Invitation.FAILED
    else:
        outcome = Appointment.Invitation.SENT
    now = timezone.now()
    Appointment.objects.filter(pk=appointment.pk).update(invitation=outcome, invitation_at=now)
    appointment.invitation, appointment.invitation_at = outcome, now
    return outcome == Appointment.Invitation.SENT


def _message(appointment: Appointment) -> tuple[str, str]:
    user = appointment.user
    site = settings.SITE_URL.rstrip("/")
    # In Japanese whatever language the approving bureau uses: the hubs work in Japanese.
    with translation.override("ja"):
        context = {
            "appointment": appointment, "user": user,
            "activation_url": None if user.has_usable_password() else activation_url(user),
            "login_url": site + reverse("accounts:login"),
            "reset_url": site + reverse("accounts:password_reset"),
            "days": link_days(),
        }
        subject = render_to_string("hubs/email/invitation_subject.txt", context).strip()
        body = render_to_string("hubs/email/invitation.txt", context)
    return subject, body
