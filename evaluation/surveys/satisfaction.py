"""The client satisfaction survey (顧客満足度アンケート): when a case ends, a client who agreed
gets one emailed link; their answers count towards the hub and the case's lead coordinator,
without any link back to the case or the client.

Sending runs as a job (yorozu/jobs): "satisfaction_send" for the invitations of a case that
just ended, and the daily "satisfaction_dispatch" that catches up whatever is still unsent (a
job that gave up, a worker lost). Both claim each invitation with sending.send_once, so a job
delivered twice, or both jobs at once, send each email once."""

from datetime import timedelta
from email.utils import formataddr, parseaddr

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from consultations.tallies import Kept
from hubs.roles import VIEW_AGGREGATES
from yorozu.core import fiscal
from yorozu.jobs.registry import register
from yorozu.jobs.services import job_start

from . import links, sending
from .models import SatisfactionInvitation, SatisfactionResponse, SatisfactionTally

# An invitation is sent only while the client still agrees: consent can be withdrawn between
# the case ending and the send (or a catch-up days later).
# The answers per hub, month and overall score, kept with them (consultations/tallies.py).
TALLY = Kept(SatisfactionResponse, SatisfactionTally, "answered_on", "overall", "answers")
SENDABLE = {"sent_at__isnull": True, "case__client__survey_consent": True}


class AlreadyAnswered(Exception):
    """The invitation was answered meanwhile (another tab, a double submit)."""


# --- Invitations -----------------------------------------------------------------------------
def invitation_create(*, case) -> SatisfactionInvitation | None:
    """The case's one invitation, if its client agreed and has an email, and a job to send it
    once the caller's transaction commits (the job row commits or rolls back with the case).
    None when there is nothing to send, or the case already had an invitation."""
    client = case.client
    if not (client.survey_consent and client.email):
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent second close loses quietly
            invitation, created = SatisfactionInvitation.objects.get_or_create(
                case=case, defaults={"hub_id": case.hub_id, "coordinator_id": case.lead_id,
                                     "email": client.email})
    except IntegrityError:
        return None
    if not created:
        return None
    job_start(kind="satisfaction_send", by=None, hub=case.hub,
              params={"invitation_ids": [invitation.pk]}, total=1,
              dedupe_key=f"satisfaction_send:{invitation.pk}")
    return invitation


def _message(invitation: SatisfactionInvitation, url: str) -> EmailMessage:
    with translation.override("ja"):  # the hubs' clients are Japanese businesses
        context = {"invitation": invitation, "hub": invitation.hub,
                   "client": invitation.case.client, "url": url,
                   "days": settings.SURVEY_LINK_DAYS}
        subject = render_to_string("evaluation/surveys/email/satisfaction_subject.txt",
                                   context).strip()
        body = render_to_string("evaluation/surveys/email/satisfaction_invite.txt", context)
    hub = invitation.hub
    # From the hub by name, at the system's own address (what the mail domain may send as).
    sender = formataddr((str(hub.name), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    return EmailMessage(subject, body, sender, [invitation.email],
                        reply_to=[hub.email] if hub.email else None,
                        headers={"Message-ID": sending.message_id(invitation, "invite")})


def invitation_send(pk: int) -> bool:
    """Sends one invitation if still unsent. Returns whether this call sent it."""
    return sending.send_once(
        SatisfactionInvitation, pk, claim=SENDABLE,
        update=sending.first_send_update(settings.SURVEY_LINK_DAYS),
        build=lambda invitation, url: _message(
            SatisfactionInvitation.objects.select_related("hub", "case__client")
            .get(pk=invitation.pk), url))


def _retryable(ids) -> list[int]:
    return list(SatisfactionInvitation.objects.filter(
        pk__in=ids, send_attempts__lt=sending.MAX_SEND_ATTEMPTS, **SENDABLE)
        .values_list("pk", flat=True))


def _send_all(ids: list[int], progress) -> int:
    progress.total(len(ids))
    sent = 0
    for done, pk in enumerate(ids, start=1):
        sent += invitation_send(pk)
        progress.set(done, force=done == len(ids))
    left = _retryable(ids)
    given_up = SatisfactionInvitation.objects.filter(
        pk__in=ids, sent_at__isnull=True,
        send_attempts__gte=sending.MAX_SEND_ATTEMPTS).count()
    progress.summary(str(_("%(sent)s sent, %(left)s to retry, %(failed)s could not be sent.")
                         % {"sent": sent, "left": len(left), "failed": given_up}))
    if left:
        # The framework runs the job again later; what was sent is claimed and skipped.
        raise RuntimeError(f"{len(left)} satisfaction invitations not sent yet")
    return sent


# --- Jobs ------------------------------------------------------------------------------------
@register("satisfaction_send", label=_("Satisfaction survey emails"), perm=VIEW_AGGREGATES,
          describe=lambda job: str(_("Survey invitation for a case that ended")))
def satisfaction_send(job, progress) -> None:
    _send_all([int(pk) for pk in job.params.get("invitation_ids", [])], progress)


@register("satisfaction_dispatch", label=_("Satisfaction survey emails (catch-up)"),
          perm=VIEW_AGGREGATES,
          describe=lambda job: str(_("Unsent survey invitations of every hub")))
def satisfaction_dispatch(job, progress) -> None:
    # Invitations that gave up (a mail outage) get a fresh set of tries each day, for as long
    # as their link would have lasted.
    recent = timezone.now() - timedelta(days=settings.SURVEY_LINK_DAYS)
    SatisfactionInvitation.objects.filter(
        created_at__gte=recent, send_attempts__gte=sending.MAX_SEND_ATTEMPTS,
        **SENDABLE).update(send_attempts=0)
    ids = list(SatisfactionInvitation.objects.filter(
        send_attempts__lt=sending.MAX_SEND_ATTEMPTS, **SENDABLE)
        .order_by("pk").values_list("pk", flat=True))
    _send_all(ids, progress)


@shared_task(name="evaluation.tasks.satisfaction_dispatch_schedule")
def satisfaction_dispatch_schedule() -> int:
    """For the beat schedule: one catch-up job a day, whatever the number of beats."""
    job = job_start(kind="satisfaction_dispatch", by=None,
                    dedupe_key=f"satisfaction_dispatch:{fiscal.today().isoformat()}")
    return job.pk


# --- Answers ---------------------------------------------------------------------------------
@transaction.atomic
def response_save(*, invitation: SatisfactionInvitation, data: dict) -> SatisfactionResponse:
    """Stores the answers with the hub and coordinator only, and marks the invitation
    answered, together or not at all."""
    if not links.claim_answer(SatisfactionInvitation, invitation.pk):
        raise AlreadyAnswered
    return SatisfactionResponse.objects.create(
        hub_id=invitation.hub_id, coordinator_id=invitation.coordinator_id,
        answered_on=fiscal.today(),
        **{name: data[name] for name in [*SatisfactionResponse.QUESTIONS, "comment"]})
