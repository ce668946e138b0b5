"""Sending an invitation exactly once per recipient.

The claim (a compare-and-set on the invitation row) and the send happen in one transaction:
a second delivery of the same job blocks on the row lock and then finds it claimed; a worker
killed before the commit leaves the row unclaimed, so the next run sends it. The one window
left, a kill after the mail server took the message but before the commit, resends the same
message: the same Message-ID, the same link (links.py derives it again), which mail systems
may treat as one message. Where the mail backend can say whether it already took the message
(the development mailbox, yorozu/mail.py), the next run asks it first and only records the
send, so the window closes there."""

from collections.abc import Callable
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from yorozu.core.links import token_hash
from yorozu.mail import send_claimed

from . import links

MAX_SEND_ATTEMPTS = 3


def message_id(invitation, purpose: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "yorozu.localhost"
    return (f"<{invitation._meta.model_name}-{invitation.pk}-{purpose}"
            f"-{invitation.generation}@{domain}>")


def send_once(model, pk: int, *, claim: dict, update: dict,
              build: Callable[[object, str], EmailMessage]) -> bool:
    """Claims the invitation (if it matches `claim`, it gets `update`) and sends the message
    that `build(invitation, url)` returns, in one transaction. Returns whether this call sent
    it. A failed send is rolled back and counted; after MAX_SEND_ATTEMPTS the invitation is
    left alone until a later round resets the count (the campaign page lists it)."""
    def locked_and_claimed():
        # Lock the row, then test it: `claim` may follow relations (the client's consent),
        # and PostgreSQL re-checks a locked row against the whole condition, whereas an
        # UPDATE with a joined condition (WHERE id IN (subquery)) would not be re-checked
        # and a second, concurrent run could claim the row again.
        locked = (model.objects.select_for_update(of=("self",))
                  .filter(pk=pk, send_attempts__lt=MAX_SEND_ATTEMPTS, **claim)
                  .values_list("pk", flat=True).first())
        if locked is None:
            return None
        model.objects.filter(pk=pk).update(**update)
        invitation = model.objects.get(pk=pk)
        token = links.token_for(invitation)
        model.objects.filter(pk=pk).update(token_hash=token_hash(token))
        return invitation, token

    try:
        # The claim's update is the record: nothing more to write after the send.
        return send_claimed(claim=locked_and_claimed,
                            build=lambda item: build(item[0], link_url(model, item[1])),
                            record=lambda item: None)
    except SoftTimeLimitExceeded:
        raise  # the job is out of time: stop, do not count it against the recipient
    except Exception as exc:
        model.objects.filter(pk=pk).update(send_attempts=F("send_attempts") + 1,
                                           send_error=str(exc)[:300])
        return False


def first_send_update(days: int) -> dict:
    now = timezone.now()
    return {"sent_at": now, "expires_at": now + timedelta(days=days), "send_error": ""}


def link_url(model, token: str) -> str:
    from django.urls import reverse

    name = {"evaluation.satisfactioninvitation": "survey_satisfaction_open",
            "evaluation.agencyinvitation": "survey_agency_open"}[model.LINK_LABEL]
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[token])
