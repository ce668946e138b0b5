"""Reads for the support-agency survey: campaign lists and counts for the staff pages, and
the results (withheld below settings.AGENCY_SURVEY_MIN_ANSWERS answers, so that a handful of
answers cannot be traced to the agency that gave them)."""

from django.conf import settings
from django.db.models import Avg, Count, Q

from hubs.models import SupportAgency
from yorozu import fiscal
from yorozu.jobs.models import Job

from .agency import JOB_KINDS
from .models import AgencyInvitation, AgencyResponse, AgencySurvey


def survey_list(*, hub):
    """The hub's campaigns, newest year first, each with its invitation counts (one query)."""
    return (AgencySurvey.objects.filter(hub=hub)
            .annotate(invited=Count("invitations"),
                      sent=Count("invitations", filter=Q(invitations__sent_at__isnull=False)),
                      answered=Count("invitations",
                                     filter=Q(invitations__answered_at__isnull=False))))


def survey_counts(*, survey: AgencySurvey) -> dict:
    return survey.invitations.aggregate(
        invited=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        failed=Count("pk", filter=Q(send_attempts__gt=0)),
    )


def survey_invitations(*, survey: AgencySurvey):
    """Who was invited and how far each got: for those who run the survey only (the results
    never name an agency)."""
    return (AgencyInvitation.objects.filter(survey=survey).select_related("agency")
            .only("pk", "email", "sent_at", "opened_at", "answered_at", "send_attempts",
                  "send_error", "reminders_sent", "agency__name", "agency__kind")
            .order_by("agency__kind", "agency__name"))


def survey_latest_job(*, survey: AgencySurvey) -> Job | None:
    """The newest send or reminder job of the survey. Narrowed by hub and kind first (both
    indexed) so that the JSON lookup reads a handful of rows."""
    return (Job.objects.filter(hub_id=survey.hub_id, kind__in=JOB_KINDS,
                               params__survey=survey.pk)
            .order_by("-created_at", "-pk").first())


# --- Results ----------------------------------------------------------------------------------
def agency_survey_summary(*, hub, fiscal_year: int) -> dict | None:
    """The results of the hub's survey of that fiscal year: the latest one started (open or
    closed). One campaign a year is the rule; a second (a repeat after a poor response, say)
    replaces the first rather than being mixed with it, since each asked the same agencies.
    None when no survey of the year was started."""
    survey = (AgencySurvey.objects.filter(hub=hub, fiscal_year=fiscal_year)
              .exclude(status=AgencySurvey.Status.DRAFT).select_related("hub")
              .order_by("-opened_at", "-pk").first())
    if survey is None:
        return None
    return survey_results(survey=survey)


def survey_results(*, survey: AgencySurvey) -> dict:
    """Counts, response rate, average per question, answers by type of agency and the free
    texts. Only the counts when there are fewer answers than the threshold."""
    minimum = settings.AGENCY_SURVEY_MIN_ANSWERS
    invited = survey.invitations.filter(sent_at__isnull=False).count()
    responses = AgencyResponse.objects.filter(survey=survey)
    figures = responses.aggregate(answered=Count("pk"),
                                  **{q: Avg(q) for q in AgencyResponse.QUESTIONS})
    answered = figures["answered"]
    result = {"survey": survey, "fiscal_year_label": fiscal.fiscal_year_label(survey.fiscal_year),
              "invited": invited, "answered": answered, "minimum": minimum,
              "rate": round(answered * 100 / invited, 1) if invited else None,
              "withheld": answered < minimum}
    if result["withheld"]:
        return result
    fields = {f.name: f for f in AgencyResponse._meta.fields}
    result["averages"] = [{"question": fields[q].verbose_name, "average": round(figures[q], 2)}
                          for q in AgencyResponse.QUESTIONS]
    kinds = dict(SupportAgency.Kind.choices)
    result["by_kind"] = [{"kind": kinds.get(row["agency_kind"], row["agency_kind"]),
                          "count": row["n"]}
                         for row in responses.values("agency_kind").annotate(n=Count("pk"))
                         .order_by("-n", "agency_kind")]
    result["requests"], result["good_practice"] = _texts(responses)
    return result


def _texts(responses) -> tuple[list[str], list[str]]:
    """Sorted by their text, not by when they came in: the order of answers could be matched
    with the order in which agencies opened their links."""
    rows = list(responses.values_list("requests", "good_practice"))
    requests = sorted(r.strip() for r, _g in rows if r.strip())
    good = sorted(g.strip() for _r, g in rows if g.strip())
    return requests, good


def agency_survey_for_year(*, hub, fiscal_year: int) -> dict | None:
    """For the plan's regional analysis and the hearing's evidence pack: the year's survey once
    one has been started, otherwise the year before's (a plan is written before the year's own
    survey, and a hearing may come before it)."""
    return (agency_survey_summary(hub=hub, fiscal_year=fiscal_year)
            or agency_survey_summary(hub=hub, fiscal_year=fiscal_year - 1))
