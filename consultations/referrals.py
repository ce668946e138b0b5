"""The referral loop: a case is handed to a support agency, which answers through single-use
links without an account, and the coordinator closes the loop.

Tokens are 256-bit random strings; only their SHA-256 is stored. A link works once: opening
it claims it with a compare-and-set and moves the referral into the visitor's session, so the
token leaves the address bar (and browser history and Referer headers) at once."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Case, Referral, ReferralLink
from .services import WorkflowError, _save_new, require_change, save_versioned

SESSION_KEY = "referral_visit"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def referral_create(*, case: Case, by, data: dict) -> Referral:
    require_change(by, case.hub_id)
    agency = data["agency"]
    if agency.hub_id != case.hub_id:
        raise WorkflowError("agency belongs to another hub")
    referral = _save_new(Referral(hub_id=case.hub_id, case=case, agency=agency,
                                  kind=data["kind"], reason=data["reason"],
                                  handed_over=data.get("handed_over", ""),
                                  follow_up_due=data["follow_up_due"]), by=by)
    link_issue(referral=referral, purpose=ReferralLink.Purpose.ACKNOWLEDGE)
    return referral


def link_issue(*, referral: Referral, purpose: str) -> str:
    """Creates a link and emails it to the agency after the transaction commits. Returns the
    token (for tests; it is stored nowhere)."""
    token = secrets.token_urlsafe(32)
    ReferralLink.objects.create(
        referral=referral, purpose=purpose, token_hash=_hash(token),
        expires_at=timezone.now() + timedelta(days=settings.REFERRAL_LINK_DAYS))
    if referral.agency.email:
        transaction.on_commit(lambda: _send_link(referral, purpose, token))
    return token


def _send_link(referral: Referral, purpose: str, token: str) -> None:
    url = settings.SITE_URL.rstrip("/") + reverse("referral_open", args=[token])
    with translation.override("ja"):  # agencies are Japanese organisations
        context = {"referral": referral, "url": url, "purpose": purpose,
                   "days": settings.REFERRAL_LINK_DAYS}
        subject = render_to_string("consultations/email/referral_subject.txt", context).strip()
        body = render_to_string("consultations/email/referral_link.txt", context)
    send_mail(subject, body, None, [referral.agency.email])


# --- The agency's side -----------------------------------------------------------------------
def link_usable(*, token: str) -> bool:
    """Whether the token is a link not yet opened and not expired. Changes nothing: mail
    security scanners fetch links before people do, and must not use them up."""
    return ReferralLink.objects.filter(token_hash=_hash(token), opened_at__isnull=True,
                                       expires_at__gt=timezone.now()).exists()


def link_open(*, token: str, session) -> bool:
    """Claims the link once and remembers the referral in the visitor's session. False for a
    wrong, used or expired token: the caller answers all three with the same 404."""
    now = timezone.now()
    link = ReferralLink.objects.filter(token_hash=_hash(token)).first()
    if link is None:
        return False
    claimed = ReferralLink.objects.filter(pk=link.pk, opened_at__isnull=True,
                                          expires_at__gt=now).update(opened_at=now)
    if not claimed:
        return False
    session.cycle_key()
    session[SESSION_KEY] = {"link": link.pk,
                            "until": (now + timedelta(seconds=settings.REFERRAL_VISIT_SECONDS))
                            .timestamp()}
    return True


def visit_link(session) -> ReferralLink | None:
    visit = session.get(SESSION_KEY)
    if not visit or visit["until"] < timezone.now().timestamp():
        return None
    return (ReferralLink.objects.select_related("referral__hub", "referral__agency",
                                                "referral__case__client",
                                                "referral__case__lead")
            .filter(pk=visit["link"]).first())


def visit_end(session) -> None:
    session.pop(SESSION_KEY, None)


@transaction.atomic
def agency_acknowledge(*, referral: Referral, acting: bool) -> Referral:
    """The agency has received the referral (and may already be acting on it). It gets a new
    link for reporting back later."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.SENT:
        raise WorkflowError("already acknowledged")
    referral.status = Referral.Status.ACTING if acting else Referral.Status.ACKNOWLEDGED
    referral.acknowledged_at = timezone.now()
    _agency_save(referral)
    link_issue(referral=referral, purpose=ReferralLink.Purpose.REPORT)
    return referral


@transaction.atomic
def agency_report(*, referral: Referral, note: str) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in (Referral.Status.SENT, Referral.Status.ACKNOWLEDGED,
                               Referral.Status.ACTING):
        raise WorkflowError("already reported")
    now = timezone.now()
    referral.acknowledged_at = referral.acknowledged_at or now
    referral.status = Referral.Status.REPORTED
    referral.agency_note = note
    referral.reported_at = now
    _agency_save(referral)
    return referral


def _agency_save(referral: Referral) -> None:
    referral.version += 1
    referral._history_user = None  # the agency has no account; history shows no user
    referral.save()


# --- The coordinator's side ------------------------------------------------------------------
def referral_close(*, referral: Referral, by, note: str, lapsed: bool, version: int) -> Referral:
    if not referral.is_open:
        raise WorkflowError("already closed")
    data = {"status": Referral.Status.LAPSED if lapsed else Referral.Status.CLOSED,
            "closing_note": note, "closed_at": timezone.now()}
    return save_versioned(referral, by=by, data=data, version=version,
                          fields=["status", "closing_note", "closed_at"])


def link_reissue(*, referral: Referral, by) -> str:
    """When the agency lost or let the email expire: a fresh link for the current step."""
    require_change(by, referral.hub_id)
    if not referral.is_open or referral.status == Referral.Status.REPORTED:
        raise WorkflowError("nothing for the agency to do")
    purpose = (ReferralLink.Purpose.ACKNOWLEDGE if referral.status == Referral.Status.SENT
               else ReferralLink.Purpose.REPORT)
    # Only the newest link works: an older email forwarded or left lying around does not.
    referral.links.filter(opened_at__isnull=True).update(expires_at=timezone.now())
    return link_issue(referral=referral, purpose=purpose)
