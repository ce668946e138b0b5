"""The referral loop: a case is handed to a support agency, which answers through single-use
links without an account, and the coordinator closes the loop.

The links are a kind of core's single-use link (yorozu/core/links.py: the derived token, only
its SHA-256 stored, claimed once on opening and moved into the visitor's session).

The email with a link goes out through a job (`referral_link`), never inside the request: a
mail server that is down leaves the referral saved and the job retrying, and the case page
shows whether the link has gone. The job holds a random salt, not the token: the token is
derived from it with SECRET_KEY, so a repeated run sends the same link."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from hubs.access import require
from hubs.roles import CHANGE_RECORDS, VIEW_RECORDS
from yorozu.core.links import LinkKind, token_hash
from yorozu.jobs.models import Job
from yorozu.jobs.registry import register
from yorozu.jobs.services import job_start
from yorozu.mail import send_unless_delivered

from .models import Case, Referral, ReferralLink
from .services import WorkflowError, _save_new, save_versioned

# The token is HMAC("yorozu.referrals.link", "<link id>:<salt>"), as since the links were first
# derived: the links already emailed keep working.
LINKS = LinkKind(model=ReferralLink, namespace="yorozu.referrals.link",
                 label="consultations.referrallink", session_key="referral_visit",
                 visit_setting="REFERRAL_VISIT_SECONDS")


@transaction.atomic
def referral_create(*, case: Case, by, data: dict) -> Referral:
    require(by, CHANGE_RECORDS, case.hub_id)
    agency = data["agency"]
    if agency.hub_id != case.hub_id:
        raise WorkflowError("agency belongs to another hub")
    referral = _save_new(Referral(hub_id=case.hub_id, case=case, agency=agency,
                                  kind=data["kind"], reason=data["reason"],
                                  handed_over=data.get("handed_over", ""),
                                  follow_up_due=data["follow_up_due"]), by=by)
    link_issue(referral=referral, purpose=ReferralLink.Purpose.ACKNOWLEDGE)
    return referral


LINK_JOB = "referral_link"


def link_issue(*, referral: Referral, purpose: str) -> str:
    """Creates a link and a job that emails it to the agency once the transaction commits.
    Returns the token (for tests; it is stored nowhere)."""
    salt = secrets.token_hex(16)
    link = ReferralLink.objects.create(
        referral=referral, purpose=purpose, token_hash="pending-" + salt,
        expires_at=timezone.now() + timedelta(days=settings.REFERRAL_LINK_DAYS))
    token = LINKS.token(link.pk, salt)
    ReferralLink.objects.filter(pk=link.pk).update(token_hash=token_hash(token))
    if referral.agency.email:
        job_start(kind=LINK_JOB, hub=referral.hub, total=1, dedupe_key=_job_key(link.pk),
                  params={"link": link.pk, "salt": salt})
    return token


def _job_key(link_id: int) -> str:
    return f"{LINK_JOB}:{link_id}"


@register(LINK_JOB, label=gettext_lazy("Referral link email"), perm=VIEW_RECORDS,
          describe=lambda job: str(gettext_lazy("To a support agency")))
def link_send(job, progress) -> None:
    """Sends the link once. A failure raises, and the job framework retries it later."""
    if job.done:
        return  # sent on an earlier run that stopped before finishing
    link = ReferralLink.objects.select_related("referral__agency", "referral__hub").get(
        pk=job.params["link"])
    message = _link_message(link, LINKS.token(link.pk, job.params["salt"]))
    send_unless_delivered(message)  # a run killed after its send, before recording it
    progress.set(1, force=True)


def _link_message(link: ReferralLink, token: str) -> EmailMessage:
    referral = link.referral
    url = settings.SITE_URL.rstrip("/") + reverse("referral_open", args=[token])
    with translation.override("ja"):  # agencies are Japanese organisations
        context = {"referral": referral, "url": url, "purpose": link.purpose,
                   "days": settings.REFERRAL_LINK_DAYS}
        subject = render_to_string("consultations/email/referral_subject.txt", context).strip()
        body = render_to_string("consultations/email/referral_link.txt", context)
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "yorozu.localhost"
    # Fixed per link: a send repeated after a crash is the same message to the receiving side.
    return EmailMessage(subject, body, None, [referral.agency.email],
                        headers={"Message-ID": f"<referrallink-{link.pk}@{domain}>"})


def link_deliveries(referrals: list[Referral]) -> None:
    """Sets `link_job` on each referral: the email job of its newest link (None if no email
    went out, e.g. the agency has no address). Two queries for the whole list."""
    newest = {}
    for link_id, referral_id in (ReferralLink.objects.filter(referral__in=referrals)
                                 .order_by("pk").values_list("pk", "referral_id")):
        newest[referral_id] = link_id
    jobs = {job.dedupe_key: job for job in
            Job.objects.filter(dedupe_key__in=[_job_key(pk) for pk in newest.values()])}
    for referral in referrals:
        link_id = newest.get(referral.pk)
        referral.link_job = jobs.get(_job_key(link_id)) if link_id else None


# --- The agency's side (the pages: views_public.py) ---------------------------------------------
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
    require(by, CHANGE_RECORDS, referral.hub_id)
    if not referral.is_open or referral.status == Referral.Status.REPORTED:
        raise WorkflowError("nothing for the agency to do")
    purpose = (ReferralLink.Purpose.ACKNOWLEDGE if referral.status == Referral.Status.SENT
               else ReferralLink.Purpose.REPORT)
    # Only the newest link works: an older email forwarded or left lying around does not.
    referral.links.filter(opened_at__isnull=True).update(expires_at=timezone.now())
    return link_issue(referral=referral, purpose=purpose)
