"""The email a person gets when the bureau approves their appointment: a link to set their
first password (hubs.tokens) or, for an account that already has one, word that
the appointment is in force and where to log in. The hub cannot tell the two apart (it must
not learn whether the email it typed had an account): either is recorded as "sent".

The approval's invitation is sent by a job (yorozu/jobs/invitations.py starts it, since hubs
sits below jobs), once, after the approval commits and never able to undo it: when the mail
server is down, the failure is logged and recorded on the appointment, whose row on the
appointments page then says so and offers to send it again, and the job tries again later.
"Send again" (invitation_send) sends at once and says whether the mail server took it."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from yorozu.core import fiscal
from yorozu.mail import send_claimed
from yorozu.notifications.services import notify

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
    _record(appointment, outcome)
    return outcome == Appointment.Invitation.SENT


def invitation_send_once(appointment_id: int) -> bool:
    """The approval's invitation, exactly once (yorozu.mail.send_claimed): the appointment's
    row is locked and the send and its record commit together, so a second run finds it
    sent. Returns whether this call sent it: False when it went already (by an earlier run,
    or by "send again") or the appointment is no longer in force. A failure is recorded on
    the appointment and raised, for the job to try again."""
    def claim():
        appointment = (Appointment.objects.select_for_update(of=("self",))
                       .select_related("user", "hub", "bureau").filter(pk=appointment_id)
                       .exclude(invitation=Appointment.Invitation.SENT).first())
        return appointment if appointment and invitable(appointment) else None

    try:
        return send_claimed(claim=claim, build=_email,
                            record=lambda item: _record(item, Appointment.Invitation.SENT))
    except Exception:
        logger.exception("Invitation for appointment %s not sent", appointment_id)
        _record(Appointment(pk=appointment_id), Appointment.Invitation.FAILED)
        raise


def _record(appointment: Appointment, outcome: str) -> None:
    now = timezone.now()
    Appointment.objects.filter(pk=appointment.pk).update(invitation=outcome, invitation_at=now)
    appointment.invitation, appointment.invitation_at = outcome, now
    if outcome == Appointment.Invitation.SENT:
        _notify(appointment)


def _notify(appointment: Appointment) -> None:
    """The person's in-app notification of the approval, beside the email: made in the
    transaction that records the email sent, once per appointment (its key) whether the job
    or "send again" sent it first."""
    with translation.override("ja"):  # the values; the sentence is translated when shown
        params = {"role": str(appointment.get_role_display()),
                  "place": str(appointment.hub or appointment.bureau or _("National HQ"))}
    notify(recipients=[appointment.user_id], kind="appointment_approved",
           message=gettext_noop("Your appointment as %(role)s at %(place)s was approved."),
           params=params, url=reverse("home"), key=f"appointment_approved:{appointment.pk}")


def _email(appointment: Appointment) -> EmailMessage:
    subject, body = _message(appointment)
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "yorozu.localhost"
    # Fixed per appointment: a send repeated after a crash is the same message to the
    # receiving side. "Send again" keeps a new Message-ID, or it would be taken for this one.
    return EmailMessage(subject, body, None, [appointment.user.email],
                        headers={"Message-ID": f"<appointment-{appointment.pk}-invitation@"
                                               f"{domain}>"})


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
