"""The implementing organization's survey of the prefecture's support agencies (地域の支援機関
アンケート): a campaign is drafted, started (one invitation per active agency with an email,
sent by a background job), reminded and closed. Answers are stored without the agency.

Exactly one email per recipient and round: each send is sending.send_once, a claim and the
send in one transaction, so a job run again after a crash or a redelivery skips whoever has
theirs. Reminder rounds: at most one a day per survey (a second click, or beat and a click,
return the day's job), each with a fresh link (the generation bump changes the token)."""

from datetime import timedelta
from email.utils import formataddr, parseaddr

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.surveys.permissions import RUN_AGENCY_SURVEY
from hubs.access import require
from hubs.models import SupportAgency
from hubs.roles import VIEW_AGGREGATES
from yorozu.core import fiscal
from yorozu.core.errors import EditConflict, WorkflowError
from yorozu.core.versioned import versioned_update
from yorozu.jobs.models import Job
from yorozu.jobs.registry import register
from yorozu.jobs.services import job_start

from . import links, sending
from .models import AgencyInvitation, AgencyResponse, AgencySurvey

__all__ = ["EditConflict", "WorkflowError"]

SEND_KIND = "agency_survey_send"
REMIND_KIND = "agency_survey_remind"
JOB_KINDS = (SEND_KIND, REMIND_KIND)
SURVEY_FIELDS = ["fiscal_year", "title", "message", "deadline"]
ANSWER_FIELDS = [*AgencyResponse.QUESTIONS, "requests", "good_practice"]
DEFAULT_DAYS = 21  # from drafting to the deadline
LINK_GRACE_DAYS = 7  # links outlive the deadline by this much, for late answers
REMIND_DAYS_BEFORE = (7, 2)  # the scheduler's reminder rounds, in days before the deadline
CHUNK = 200  # invitation ids read at a time by the send jobs


def default_title(fiscal_year: int) -> str:
    # Stored data that the agencies read in Japanese, whatever the drafter's language.
    return f"{fiscal_year}年度 地域の支援機関アンケート"


def survey_defaults() -> dict:
    year = fiscal.current_fiscal_year()
    return {"fiscal_year": year, "title": default_title(year),
            "deadline": fiscal.today() + timedelta(days=DEFAULT_DAYS)}


def _require_run(by, hub_id: int) -> None:
    """by=None is the scheduler (celery beat), which acts for no one."""
    if by is not None:
        require(by, RUN_AGENCY_SURVEY, hub_id)


def _locked(survey: AgencySurvey) -> AgencySurvey:
    # of=self: lock the survey only, not the hub row joined for the email.
    return (AgencySurvey.objects.select_for_update(of=("self",)).select_related("hub")
            .get(pk=survey.pk))


# --- Drafting ---------------------------------------------------------------------------------
def survey_create(*, hub, by, data: dict) -> AgencySurvey:
    _require_run(by, hub.pk)
    values = {**survey_defaults(), **{f: data[f] for f in SURVEY_FIELDS if data.get(f)}}
    if not data.get("title"):
        values["title"] = default_title(values["fiscal_year"])
    survey = AgencySurvey(hub=hub, created_by=by, **values)
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_update(*, survey: AgencySurvey, by, data: dict, version: int) -> AgencySurvey:
    """Drafts only. A stale `version` raises EditConflict with the stored survey, so that the
    user compares instead of silently overwriting a colleague's change."""
    _require_run(by, survey.hub_id)
    return versioned_update(survey, version=version, check=_draft_only,
                            queryset=AgencySurvey.objects.select_related("hub"),
                            fields={name: data[name] for name in SURVEY_FIELDS if name in data})


def _draft_only(survey: AgencySurvey) -> None:
    if survey.status != AgencySurvey.Status.DRAFT:
        raise WorkflowError(_("Only a draft survey can be edited."))


# --- Starting, reminding, closing -------------------------------------------------------------
def _recipients(hub_id: int):
    return (SupportAgency.objects.filter(hub_id=hub_id, is_active=True).exclude(email="")
            .only("pk", "email"))


def survey_start(*, survey: AgencySurvey, by) -> Job:
    """Invites every active agency of the hub that has an email, and starts the job that
    sends the invitations. The job is enqueued after this transaction commits."""
    with transaction.atomic():
        survey = _locked(survey)
        _require_run(by, survey.hub_id)
        if survey.status != AgencySurvey.Status.DRAFT:
            raise WorkflowError(_("This survey has already been started."))
        # The unique constraint (survey, agency) keeps a repeat from inviting anyone twice.
        AgencyInvitation.objects.bulk_create(
            [AgencyInvitation(survey=survey, agency=a, email=a.email)
             for a in _recipients(survey.hub_id)], ignore_conflicts=True)
        count = survey.invitations.count()
        if not count:
            raise WorkflowError(_("None of the hub's support agencies in use has an email "
                                  "address. Add their addresses in the support-agency "
                                  "directory, then start the survey."))
        survey.status = AgencySurvey.Status.OPEN
        survey.opened_at = timezone.now()
        survey.version += 1
        survey.save(update_fields=["status", "opened_at", "version"])
        return job_start(kind=SEND_KIND, by=by, hub=survey.hub, total=count,
                         params={"survey": survey.pk, "title": survey.title},
                         dedupe_key=f"{SEND_KIND}:{survey.pk}")


def _unanswered(survey_id: int):
    return AgencyInvitation.objects.filter(survey_id=survey_id, sent_at__isnull=False,
                                           answered_at__isnull=True)


def survey_remind(*, survey: AgencySurvey, by=None) -> Job:
    """Starts a reminder round to the agencies that were sent the survey and have not
    answered. One round a day at most: a second call the same day returns that day's job."""
    with transaction.atomic():
        survey = _locked(survey)
        _require_run(by, survey.hub_id)
        if survey.status != AgencySurvey.Status.OPEN:
            raise WorkflowError(_("Reminders can only be sent while the survey is open."))
        today = fiscal.today()
        if survey.last_reminded_on == today:
            existing = Job.objects.filter(
                dedupe_key=_remind_key(survey.pk, survey.reminders_sent)).first()
            if existing is not None:
                return existing
        count = _unanswered(survey.pk).count()
        if not count:
            raise WorkflowError(_("Every agency that received the survey has answered; there "
                                  "is no one to remind."))
        # The round is fixed here, in the transaction that starts its job, so that the job's
        # claims refer to it however late the job runs.
        survey.reminders_sent += 1
        survey.last_reminded_on = today
        survey.save(update_fields=["reminders_sent", "last_reminded_on"])
        return job_start(kind=REMIND_KIND, by=by, hub=survey.hub, total=count,
                         params={"survey": survey.pk, "round": survey.reminders_sent,
                                 "title": survey.title},
                         dedupe_key=_remind_key(survey.pk, survey.reminders_sent))


def _remind_key(survey_id: int, round_number: int) -> str:
    return f"{REMIND_KIND}:{survey_id}:{round_number}"


@transaction.atomic
def survey_close(*, survey: AgencySurvey, by) -> AgencySurvey:
    """Ends the campaign: its links stop working at once (the link pages check the status)."""
    survey = _locked(survey)
    _require_run(by, survey.hub_id)
    if survey.status != AgencySurvey.Status.OPEN:
        raise WorkflowError(_("Only an open survey can be closed."))
    survey.status = AgencySurvey.Status.CLOSED
    survey.closed_at = timezone.now()
    survey.version += 1
    survey.save(update_fields=["status", "closed_at", "version"])
    return survey


# --- The agency's answer ----------------------------------------------------------------------
@transaction.atomic
def response_save(*, invitation: AgencyInvitation, data: dict) -> bool:
    """Stores the answers and marks the invitation answered, together or not at all. False
    if it was answered meanwhile (another tab) or the survey closed. The answer keeps the
    agency's type, never the agency. The survey row stays locked until the answer is
    committed, so that answers commit in the order of their ids, which the results' batches
    rely on (agency_selectors.survey_results), and a close cannot cross an answer."""
    if not (AgencySurvey.objects.select_for_update()
            .filter(pk=invitation.survey_id, status=AgencySurvey.Status.OPEN)
            .values_list("pk", flat=True).first()):
        return False
    if not links.claim_answer(AgencyInvitation, invitation.pk):
        return False
    kind = SupportAgency.objects.values_list("kind", flat=True).get(pk=invitation.agency_id)
    AgencyResponse.objects.create(survey_id=invitation.survey_id, agency_kind=kind,
                                  answered_on=fiscal.today(),
                                  **{f: data[f] for f in ANSWER_FIELDS if f in data})
    return True


# --- The send jobs ----------------------------------------------------------------------------
def _link_days(survey: AgencySurvey) -> int:
    to_deadline = (survey.deadline - fiscal.today()).days + LINK_GRACE_DAYS
    return max(settings.SURVEY_LINK_DAYS, to_deadline)


def _message(survey, agency, *, reminder: bool):
    def build(invitation, url):
        context = {"survey": survey, "hub": survey.hub, "agency": agency, "url": url,
                   "reminder": reminder, "expires_at": invitation.expires_at}
        with translation.override("ja"):  # the agencies are Japanese organisations
            subject = render_to_string("evaluation/surveys/email/agency_subject.txt",
                                       context).strip()
            body = render_to_string("evaluation/surveys/email/agency_body.txt", context)
        headers = {"Message-ID": sending.message_id(invitation,
                                                    "remind" if reminder else "invite")}
        # The hub's name as the sender's, at the system's own address (what the mail domain
        # may send as); formataddr quotes a name with commas and the like.
        sender = formataddr((str(survey.hub.name), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
        return EmailMessage(subject, body, sender, [invitation.email], headers=headers,
                            reply_to=[survey.hub.email] if survey.hub.email else None)
    return build


def _chunks(pending):
    """Ids in pk order, a chunk at a time: never the whole campaign in memory."""
    last = 0
    while True:
        ids = list(pending.filter(pk__gt=last).order_by("pk")
                   .values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _send_round(progress, *, survey, claim: dict, update, done, reminder: bool):
    """Sends to every invitation of the survey that matches `claim`, once each. `update()`
    gives the claim's update (fresh timestamps per recipient); `done` filters what counts as
    finished for the progress bar. Raises at the end if some can still be retried."""
    def finished():
        return survey.invitations.filter(done | Q(send_attempts__gte=sending.MAX_SEND_ATTEMPTS)
                                         ).count()

    count = finished()
    pending = survey.invitations.filter(send_attempts__lt=sending.MAX_SEND_ATTEMPTS, **claim)
    for ids in _chunks(pending):
        if not AgencySurvey.objects.filter(pk=survey.pk,
                                           status=AgencySurvey.Status.OPEN).exists():
            progress.summary(_("The survey was closed before every invitation was sent."))
            return  # closed meanwhile: its links no longer work, so stop sending them
        agencies = {i.pk: i.agency for i in AgencyInvitation.objects.filter(pk__in=ids)
                    .select_related("agency").only("pk", "agency__name",
                                                   "agency__contact_person")}
        for pk in ids:
            sent = sending.send_once(AgencyInvitation, pk, claim=claim, update=update(),
                                     build=_message(survey, agencies[pk], reminder=reminder))
            count = count + 1 if sent else finished()
            progress.set(count)
    progress.set(count, force=True)
    _summarise(progress, survey, done)
    if pending.exists():  # failed, with tries left: the framework runs the job again later
        raise RuntimeError("some invitations could not be sent yet")


def _summarise(progress, survey, done) -> None:
    sent = survey.invitations.filter(done).count()
    failed = survey.invitations.filter(~done, send_attempts__gt=0).count()
    progress.summary(_("%(sent)s sent, %(failed)s could not be sent.")
                     % {"sent": sent, "failed": failed})


def _survey_of(job) -> AgencySurvey:
    return AgencySurvey.objects.select_related("hub").get(pk=job.params["survey"])


def _describe(job) -> str:
    return job.params.get("title", "")


@register(SEND_KIND, label=gettext_lazy("Support-agency survey invitations"),
          perm=VIEW_AGGREGATES, describe=_describe)
def send_run(job, progress) -> None:
    survey = _survey_of(job)
    if survey.status != AgencySurvey.Status.OPEN:
        progress.summary(_("The survey was closed before every invitation was sent."))
        return
    days = _link_days(survey)
    _send_round(progress, survey=survey, claim={"sent_at__isnull": True},
                update=lambda: {**sending.first_send_update(days), "send_attempts": 0},
                done=Q(sent_at__isnull=False), reminder=False)


@register(REMIND_KIND, label=gettext_lazy("Support-agency survey reminders"),
          perm=VIEW_AGGREGATES, describe=_describe)
def remind_run(job, progress) -> None:
    survey = _survey_of(job)
    if survey.status != AgencySurvey.Status.OPEN:
        progress.summary(_("The survey was closed before every reminder was sent."))
        return
    round_number = job.params["round"]
    days = _link_days(survey)

    def update():
        # A fresh link: the generation changes the token (the old link stops working), and
        # an agency that opened the old one without answering may open the new one.
        return {"reminders_sent": round_number, "generation": F("generation") + 1,
                "expires_at": timezone.now() + timedelta(days=days), "opened_at": None,
                "send_error": "", "send_attempts": 0}

    # reminders_sent below the round (not equal to the previous one): an agency whose
    # previous reminder could not be sent still gets this one; each round still once.
    _send_round(progress, survey=survey,
                claim={"answered_at__isnull": True, "sent_at__isnull": False,
                       "reminders_sent__lt": round_number},
                update=update, done=Q(reminders_sent__gte=round_number), reminder=True)


# --- Schedule ---------------------------------------------------------------------------------
@shared_task(name="evaluation.tasks.survey_reminders_schedule")
def survey_reminders_schedule() -> dict:
    """Daily (celery beat, 09:00). Open surveys whose deadline is 7 or 2 days away get a
    reminder round (survey_remind makes a second call the same day harmless). Surveys past
    their deadline by LINK_GRACE_DAYS are closed: late answers are welcome for a week, and
    after that the results stop moving."""
    today = fiscal.today()
    open_surveys = AgencySurvey.objects.filter(status=AgencySurvey.Status.OPEN)
    reminded = closed = 0
    due = [today + timedelta(days=d) for d in REMIND_DAYS_BEFORE]
    for survey in open_surveys.filter(deadline__in=due).exclude(last_reminded_on=today):
        try:
            survey_remind(survey=survey, by=None)
            reminded += 1
        except WorkflowError:
            pass  # everyone has answered
    for survey in open_surveys.filter(deadline__lt=today - timedelta(days=LINK_GRACE_DAYS)):
        survey_close(survey=survey, by=None)
        closed += 1
    retried = sum(_retry_unsent(survey, today) for survey in open_surveys)
    return {"reminded": reminded, "closed": closed, "retried": retried}


def _retry_unsent(survey: AgencySurvey, today) -> bool:
    """Invitations that could not be sent (the mail server was down, say) get a fresh set of
    tries each day while the survey is open: a short outage loses nobody."""
    gave_up = survey.invitations.filter(sent_at__isnull=True,
                                        send_attempts__gte=sending.MAX_SEND_ATTEMPTS)
    if not gave_up.update(send_attempts=0):
        return False
    job_start(kind=SEND_KIND, by=None, hub=survey.hub,
              params={"survey": survey.pk, "title": survey.title},
              dedupe_key=f"{SEND_KIND}:{survey.pk}:retry:{today.isoformat()}")
    return True
