"""Reads for the support-agency survey: campaign lists and counts for the staff pages, and
the results. settings.AGENCY_SURVEY_MIN_ANSWERS protects every part of the results alike, so
that no answer can be traced to the agency that gave it: the total (nothing below it), each
type of agency (a type below it is shown only together with others), the comments (only with
the results) and the results' changes over time (they move in whole batches of it)."""

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from hubs.access import AuthorisedHub
from hubs.models import SupportAgency
from yorozu.core import fiscal
from yorozu.jobs.models import Job

from .agency import JOB_KINDS
from .anonymity import counted_in_batches, withholding
from .models import AgencyInvitation, AgencyResponse, AgencySurvey
from .permissions import RUN_AGENCY_SURVEY


def survey_list(*, hub: AuthorisedHub):
    """The hub's campaigns, newest year first, each with its invitation counts (one query)."""
    return (AgencySurvey.objects.filter(hub=hub.hub)
            .annotate(invited=Count("invitations"),
                      sent=Count("invitations", filter=Q(invitations__sent_at__isnull=False)),
                      answered=Count("invitations",
                                     filter=Q(invitations__answered_at__isnull=False))))


def surveys_of_year(*, user, fiscal_year: int) -> list[AgencySurvey]:
    """The year's campaigns at the hubs where the user runs them, each with its invitation
    counts, newest first (one query)."""
    return list(AgencySurvey.objects.for_user(user, RUN_AGENCY_SURVEY)
                .filter(fiscal_year=fiscal_year).select_related("hub")
                .annotate(invited=Count("invitations"),
                          answered=Count("invitations",
                                         filter=Q(invitations__answered_at__isnull=False)))
                .order_by("hub__jis_code", "-created_at", "-pk"))


def survey_counts(*, survey: AgencySurvey) -> dict:
    return survey.invitations.aggregate(
        invited=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        failed=Count("pk", filter=Q(send_attempts__gt=0)),
        reminded=Count("pk", filter=Q(reminders_sent__gt=0)),
    )


def survey_invitations(*, survey: AgencySurvey):
    """Who was invited and whether the invitation went out: for those who run the survey
    only. Nothing that answering changes is read (answered, opened, reminded, a failed
    reminder): beside the results, it would tell which agency said what."""
    return (AgencyInvitation.objects.filter(survey=survey).select_related("agency")
            .only("pk", "email", "sent_at", "send_attempts", "send_error", "agency__name",
                  "agency__kind")
            .order_by("agency__kind", "agency__name"))


def survey_latest_job(*, survey: AgencySurvey) -> Job | None:
    """The newest send or reminder job of the survey. Narrowed by hub and kind first (both
    indexed) so that the JSON lookup reads a handful of rows."""
    return (Job.objects.filter(hub_id=survey.hub_id, kind__in=JOB_KINDS,
                               params__survey=survey.pk)
            .order_by("-created_at", "-pk").first())


# --- Results ----------------------------------------------------------------------------------
def agency_survey_summary(*, hub: AuthorisedHub, fiscal_year: int) -> dict | None:
    """The results of the hub's survey of that fiscal year: the latest one started (open or
    closed). One campaign a year is the rule; a second (a repeat after a poor response, say)
    replaces the first rather than being mixed with it, since each asked the same agencies.
    None when no survey of the year was started."""
    survey = (AgencySurvey.objects.filter(hub=hub.hub, fiscal_year=fiscal_year)
              .exclude(status=AgencySurvey.Status.DRAFT).select_related("hub")
              .order_by("-opened_at", "-pk").first())
    if survey is None:
        return None
    return survey_results(survey=survey)


def survey_results(*, survey: AgencySurvey) -> dict:
    """Counts, response rate, average per question, answers by type of agency and the free
    texts, over the answers counted so far (anonymity.counted_in_batches: the first ones, in
    whole batches of the minimum). Only the counts when there are fewer answers than that."""
    minimum = settings.AGENCY_SURVEY_MIN_ANSWERS
    invited = survey.invitations.filter(sent_at__isnull=False).count()
    responses = AgencyResponse.objects.filter(survey=survey)
    answered = responses.count()
    counted = counted_in_batches(answered, minimum)
    result = {"survey": survey, "fiscal_year_label": fiscal.fiscal_year_label(survey.fiscal_year),
              "invited": invited, "answered": answered, "counted": counted, "minimum": minimum,
              "rate": round(answered * 100 / invited, 1) if invited else None,
              "withheld": counted < minimum}
    if result["withheld"]:
        return result
    # Answers arrive in pk order (agency.response_save locks the survey while it saves).
    last = responses.order_by("pk").values_list("pk", flat=True)[counted - 1]
    shown = responses.filter(pk__lte=last)
    figures = shown.aggregate(**{q: Avg(q) for q in AgencyResponse.QUESTIONS})
    fields = {f.name: f for f in AgencyResponse._meta.fields}
    result["averages"] = [{"question": fields[q].verbose_name, "average": round(figures[q], 2)}
                          for q in AgencyResponse.QUESTIONS]
    result["by_kind"] = _by_kind(shown, minimum)
    result["requests"], result["good_practice"] = _texts(shown)
    return result


def _by_kind(responses, minimum: int) -> list[dict]:
    """Answers per type of agency. A type with fewer answers than the minimum (the
    prefecture's one chamber of commerce, say) is not shown on its own, nor any type that
    would let it be worked out as the total minus the others: those are one row together."""
    rows = list(responses.values("agency_kind").annotate(n=Count("pk"))
                .order_by("-n", "agency_kind"))
    reasons = withholding([row["n"] for row in rows], minimum)
    kinds = dict(SupportAgency.Kind.choices)
    shown = [{"kind": kinds.get(row["agency_kind"], row["agency_kind"]), "count": row["n"],
              "together": False}
             for row, reason in zip(rows, reasons, strict=True) if reason is None]
    together = sum(row["n"] for row, reason in zip(rows, reasons, strict=True) if reason)
    if together:
        shown.append({"kind": _("Other types, together"), "count": together, "together": True})
    return shown


def _texts(responses) -> tuple[list[str], list[str]]:
    """Sorted by their text, not by when they came in: the order of answers could be matched
    with the order in which agencies opened their links."""
    rows = list(responses.values_list("requests", "good_practice"))
    requests = sorted(r.strip() for r, _g in rows if r.strip())
    good = sorted(g.strip() for _r, g in rows if g.strip())
    return requests, good


def agency_survey_for_year(*, hub: AuthorisedHub, fiscal_year: int) -> dict | None:
    """For the plan's regional analysis and the hearing's evidence pack: the year's survey once
    one has been started, otherwise the year before's (a plan is written before the year's own
    survey, and a hearing may come before it)."""
    return (agency_survey_summary(hub=hub, fiscal_year=fiscal_year)
            or agency_survey_summary(hub=hub, fiscal_year=fiscal_year - 1))
