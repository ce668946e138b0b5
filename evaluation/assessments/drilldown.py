"""The records behind each axis of a hub's evaluation, as its drill-down lists them: the same
querysets and rules the axis is computed from (axes.py), so that the figure equals what is
listed. Axes over client records (referrals, cases, clients) list them only to those who may
read the hub's records (the hub's staff and HQ, whose reads are logged); the bureau sees the
counts only, as everywhere else."""

from django.core.paginator import Paginator

from consultations import services as consultation_services
from evaluation import figures
from evaluation.models import Score
from evaluation.surveys.models import AgencyResponse
from hubs.access import hub_access
from hubs.roles import VIEW_RECORDS
from yorozu.core import fiscal

from . import axes

PER_PAGE = 50


def records(*, axis: axes.Axis, assessment, user, page) -> dict:
    hub_ids = [assessment.hub_id]
    year = assessment.fiscal_year
    if axis.records and not hub_access(user).can(VIEW_RECORDS, assessment.hub_id):
        return {"records_hidden": True}
    found = DRILLS[axis.code](hub_ids=hub_ids, fiscal_year=year, page=page)
    if axis.records and hub_access(user).is_national:
        consultation_services.personal_data_read_log(
            user=user, client=None, hub_id=assessment.hub_id, what="evaluation_axis",
            detail=f"{axis.code} {year}")
    return found


def _paged(queryset, page) -> dict:
    pages = Paginator(queryset, PER_PAGE)
    return {"page": pages.get_page(page), "total": pages.count}


def plan(*, hub_ids, fiscal_year, page, priority: bool) -> dict:
    from evaluation.plans.attainment import plan_attainments

    found = plan_attainments(hub_ids=hub_ids, fiscal_year=fiscal_year).get(hub_ids[0])
    if found is None:
        return {"plan_rows": [], "total": 0}
    rows = found.priority_rows if priority else found.standard_rows
    return {"plan_rows": rows, "total": len(rows)}


def guideline(*, hub_ids, fiscal_year, page) -> dict:
    scores = (Score.objects.filter(hearing__hub__in=hub_ids, hearing__fiscal_year=fiscal_year,
                                   hearing__status__in=axes.HEARING_COUNTED,
                                   level__isnull=False)
              .select_related("item").order_by("item__area__sort_order", "item__sort_order",
                                               "item__code"))
    scores = list(scores)
    return {"scores": scores, "total": len(scores), "level_sum": sum(s.level for s in scores)}


def satisfaction(*, hub_ids, fiscal_year, page) -> dict:
    """The year's answers per month, each month shown only as the satisfaction figure's
    breakdowns are (evaluation/figures.py: satisfaction_withholding)."""
    start, end = axes.period(fiscal_year)
    rows = [{"month": row["month"], "answers": row["n"], "happy": row["satisfied"]}
            for row in sorted(figures.satisfaction_by_month(start=start, end=end,
                                                            hub_ids=hub_ids),
                              key=lambda row: row["month"])]
    reasons = figures.satisfaction_withholding([row["answers"] for row in rows])
    months = [{**row, "withheld": reason is not None}
              for row, reason in zip(rows, reasons, strict=True)]
    total = sum(row["answers"] for row in rows)
    return {"months": months, "total": total,
            "happy_total": sum(row["happy"] for row in rows),
            "withheld_total": figures.satisfaction_withheld(total)}


def agency_survey(*, hub_ids, fiscal_year, page) -> dict:
    """Each question's mean over the answers the results count (no answer listed alone)."""
    survey_id = axes.agency_survey_of_year(hub_ids=hub_ids, fiscal_year=fiscal_year).get(
        hub_ids[0])
    answers = axes.agency_counted(survey_ids=[survey_id]).get(survey_id, []) if survey_id else []
    fields = {f.name: f.verbose_name for f in AgencyResponse._meta.fields}
    questions = [{"question": fields[q], "sum": sum(a[i] for a in answers),
                  "mean": round(sum(a[i] for a in answers) / len(answers), 2) if answers else None}
                 for i, q in enumerate(AgencyResponse.QUESTIONS)]
    return {"questions": questions, "total": len(answers), "survey_id": survey_id}


def follow_up(*, hub_ids, fiscal_year, page) -> dict:
    start, end = axes.period(fiscal_year)
    due = (figures.referrals_due(start=start, end=end, as_of=fiscal.today(), hub_ids=hub_ids)
           .select_related("case__client", "agency").order_by("follow_up_due", "pk"))
    followed = due.filter(figures.FOLLOWED).count()
    return {**_paged(due, page), "followed": followed, "kind": "referrals"}


def expert_share(*, hub_ids, fiscal_year, page) -> dict:
    start, end = axes.period(fiscal_year)
    opened = (figures.cases_opened(start=start, end=min(end, fiscal.today()), hub_ids=hub_ids)
              .select_related("client").order_by("opened_on", "pk"))
    expert = opened.aggregate(**figures.case_depth_counts())["expert"]
    return {**_paged(opened, page), "expert": expert, "kind": "cases"}


def outcomes(*, hub_ids, fiscal_year, page) -> dict:
    first_from, first_to = axes.outcome_period(fiscal_year)
    clients = (figures.value_added_clients(hub_ids=hub_ids, first_from=first_from,
                                           first_to=first_to).order_by("name", "pk"))
    change = figures.value_added_change(hub_ids=hub_ids, first_from=first_from,
                                        first_to=first_to)
    return {**_paged(clients, page), "change": change, "kind": "clients",
            "first_from": first_from, "first_to": first_to}


DRILLS = {
    "plan_standard": lambda **kw: plan(priority=False, **kw),
    "plan_priority": lambda **kw: plan(priority=True, **kw),
    "guideline": guideline, "satisfaction": satisfaction, "agency_survey": agency_survey,
    "follow_up": follow_up, "expert_share": expert_share, "outcomes": outcomes,
}
