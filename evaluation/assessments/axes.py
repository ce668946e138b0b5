"""The axes of HQ's multi-faceted evaluation and the composite: how each is scored from the
records, for many hubs at once in a constant number of queries (the national view reads all
47 hubs).

Every axis is a score from 0 to 100, to one decimal, computed from a figure that already has
its one definition elsewhere (evaluation/figures.py, the plan attainment, the hearing, the
agency survey); nothing here counts records its own way:

- plan_standard, plan_priority: the accepted plan's attainment (plans/attainment.py), each
  indicator or priority capped at 100 %, averaged.
- guideline: the mean level of the year's finalised hearing, from level 1 = 0 to level 4 = 100.
- satisfaction: the share of satisfied answers in the fiscal year (withheld under the minimum).
- agency_survey: the mean answer of the year's agency survey over the answers its results may
  count (surveys/anonymity.counted_in_batches), from 1 = 0 to 5 = 100.
- follow_up: the follow-up rate of the referrals due in the year (up to the day of counting).
- expert_share: the share of the year's new cases that reached an expert proposal.
- outcomes: of the clients first supported in the year or the two before, with a financial
  snapshot before the first session and one after, the share whose value added rose
  (withheld under OUTCOME_MIN_CLIENTS clients).

An axis with no figure (no accepted plan, too few answers, no hearing yet) has no score and
takes no part in the composite: the composite is the weighted mean of the scored axes,
sum(weight x score) / sum(weight), rounded half up to one decimal. It is computed from the
rounded scores the page shows, so anyone can check it by hand."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from evaluation import figures
from evaluation.models import Hearing, Score
from evaluation.surveys.anonymity import counted_in_batches
from evaluation.surveys.models import AgencyResponse, AgencySurvey
from yorozu.core import fiscal

ONE_PLACE = Decimal("0.1")
HEARING_COUNTED = (Hearing.Status.FINALISED, Hearing.Status.PUBLISHED)


@dataclass(frozen=True)
class Axis:
    code: str
    label: object
    # Whether its drill-down lists client records (then only for those who may read them).
    records: bool = False


AXES = [
    Axis("plan_standard", _("Plan attainment (standard indicators)")),
    Axis("plan_priority", _("Plan attainment (priority areas)")),
    Axis("guideline", _("Guideline (hearing scores)")),
    Axis("satisfaction", _("Client satisfaction")),
    Axis("agency_survey", _("Support agencies' survey")),
    Axis("follow_up", _("Referral follow-up rate"), records=True),
    Axis("expert_share", _("Depth of support (expert proposals)"), records=True),
    Axis("outcomes", _("Client outcomes (value added)"), records=True),
]
CODES = [axis.code for axis in AXES]
BY_CODE = {axis.code: axis for axis in AXES}


@dataclass
class AxisValue:
    """An axis of one hub: its score (None: no figure), and the figure behind it as counts,
    `part` of `whole` or a mean over `whole`, which the drill-down lists."""

    score: Decimal | None = None
    part: float | int | None = None
    whole: int | None = None
    withheld: bool = False

    def as_json(self) -> dict:
        return {"score": None if self.score is None else str(self.score), "part": self.part,
                "whole": self.whole, "withheld": self.withheld}

    @classmethod
    def from_json(cls, data: dict) -> "AxisValue":
        score = data.get("score")
        return cls(score=None if score is None else Decimal(score), part=data.get("part"),
                   whole=data.get("whole"), withheld=bool(data.get("withheld")))


@dataclass
class HubAxes:
    values: dict[str, AxisValue] = field(default_factory=dict)

    def get(self, code: str) -> AxisValue:
        return self.values.get(code) or AxisValue()


def score(value) -> Decimal | None:
    """A score to one decimal, rounded half up (as people round)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def share_score(part: int, whole: int) -> Decimal | None:
    return score(Decimal(100) * part / whole) if whole else None


def composite(values: dict[str, AxisValue], weights: dict[str, int]) -> Decimal | None:
    """The weighted mean of the scored axes (see the module's docstring); None when no axis
    with a weight has a score."""
    scored = [(weights.get(code, 0), v.score) for code, v in values.items()
              if v.score is not None and weights.get(code, 0) > 0]
    total = sum(w for w, _s in scored)
    if not total:
        return None
    return score(sum(Decimal(w) * s for w, s in scored) / Decimal(total))


def period(fiscal_year: int) -> tuple[date, date]:
    return fiscal.fiscal_year_start(fiscal_year), fiscal.fiscal_year_end(fiscal_year)


def computed(*, hub_ids: Iterable[int], fiscal_year: int) -> dict[int, HubAxes]:
    """Every axis of each hub of `hub_ids` for the year, from the records as they are now."""
    hub_ids = sorted(hub_ids)
    result = {hub_id: HubAxes() for hub_id in hub_ids}
    for axis_values in (_plan(hub_ids, fiscal_year), _guideline(hub_ids, fiscal_year),
                        _satisfaction(hub_ids, fiscal_year), _agency(hub_ids, fiscal_year),
                        _follow_up(hub_ids, fiscal_year), _expert(hub_ids, fiscal_year),
                        _outcomes(hub_ids, fiscal_year)):
        for code, by_hub in axis_values.items():
            for hub_id, value in by_hub.items():
                result[hub_id].values[code] = value
    return result


# --- The axes, each for many hubs ---------------------------------------------------------------
def _plan(hub_ids: list[int], fiscal_year: int) -> dict[str, dict[int, AxisValue]]:
    from evaluation.plans.attainment import plan_attainments

    found = plan_attainments(hub_ids=hub_ids, fiscal_year=fiscal_year)
    standard, priority = {}, {}
    for hub_id, attainment in found.items():
        if attainment is None:
            continue
        standard[hub_id] = _attained(attainment.standard, attainment.standard_rows)
        priority[hub_id] = _attained(attainment.priority, attainment.priority_rows)
    return {"plan_standard": standard, "plan_priority": priority}


def _attained(mean, rows) -> AxisValue:
    """A plan axis: the mean attainment over the rows that have one (`whole` of them)."""
    return AxisValue(score=score(mean), whole=sum(row.attainment is not None for row in rows))


def _guideline(hub_ids: list[int], fiscal_year: int) -> dict[str, dict[int, AxisValue]]:
    rows = (Score.objects.filter(hearing__hub__in=hub_ids, hearing__fiscal_year=fiscal_year,
                                 hearing__status__in=HEARING_COUNTED, level__isnull=False)
            .values("hearing__hub_id").annotate(total=Sum("level"), n=Count("*"))
            .order_by())
    values = {}
    for row in rows:
        mean = Decimal(row["total"]) / row["n"]
        values[row["hearing__hub_id"]] = AxisValue(
            score=score((mean - 1) * 100 / 3), part=float(round(mean, 2)), whole=row["n"])
    return {"guideline": values}


def _satisfaction(hub_ids: list[int], fiscal_year: int) -> dict[str, dict[int, AxisValue]]:
    start, end = period(fiscal_year)
    answers, happy = defaultdict(int), defaultdict(int)
    for row in figures.satisfaction_by_month(start=start, end=end, hub_ids=hub_ids):
        answers[row["hub_id"]] += row["n"]
        happy[row["hub_id"]] += row["satisfied"]
    values = {}
    for hub_id, n in answers.items():
        withheld = figures.satisfaction_withheld(n)
        values[hub_id] = AxisValue(
            score=None if withheld else share_score(happy[hub_id], n),
            part=None if withheld else happy[hub_id], whole=n, withheld=withheld)
    return {"satisfaction": values}


def agency_survey_of_year(*, hub_ids: list[int], fiscal_year: int) -> dict[int, int]:
    """Hub id -> its survey of the year whose results count: the latest one started (as
    agency_selectors.agency_survey_summary chooses it). One query over the year's few
    surveys per hub."""
    latest: dict[int, int] = {}
    for hub_id, pk in (AgencySurvey.objects.filter(hub__in=hub_ids, fiscal_year=fiscal_year)
                       .exclude(status=AgencySurvey.Status.DRAFT)
                       .order_by("hub_id", "-opened_at", "-pk").values_list("hub_id", "pk")):
        latest.setdefault(hub_id, pk)
    return latest


def agency_counted(*, survey_ids: Iterable[int]):
    """The answers of each survey that its results may count: the first ones, in whole
    batches of the minimum (anonymity.counted_in_batches). Rows of survey, pk, questions."""
    minimum = settings.AGENCY_SURVEY_MIN_ANSWERS
    rows = (AgencyResponse.objects.filter(survey__in=sorted(survey_ids)).order_by("survey", "pk")
            .values_list("survey_id", *AgencyResponse.QUESTIONS))
    by_survey = defaultdict(list)
    for survey_id, *answers in rows:
        by_survey[survey_id].append(answers)
    return {survey_id: answers[:counted_in_batches(len(answers), minimum)]
            for survey_id, answers in by_survey.items()}


def _agency(hub_ids: list[int], fiscal_year: int) -> dict[str, dict[int, AxisValue]]:
    surveys = agency_survey_of_year(hub_ids=hub_ids, fiscal_year=fiscal_year)
    counted = agency_counted(survey_ids=surveys.values())
    values = {}
    for hub_id, survey_id in surveys.items():
        answers = counted.get(survey_id, [])
        if not answers:
            values[hub_id] = AxisValue(withheld=True, whole=0)
            continue
        marks = [mark for answer in answers for mark in answer]
        mean = Decimal(sum(marks)) / len(marks)
        values[hub_id] = AxisValue(score=score((mean - 1) * 100 / 4),
                                   part=float(round(mean, 2)), whole=len(answers))
    return {"agency_survey": values}


def _follow_up(hub_ids: list[int], fiscal_year: int) -> dict[str, dict[int, AxisValue]]:
    start, end = period(fiscal_year)
    rows = figures.referrals_by_month(start=start, end=end, as_of=fiscal.today(),
                                      hub_ids=hub_ids)
    due, followed = defaultdict(int), defaultdict(int)
    for row in rows:
        due[row["hub_id"]] += row["due"]
        followed[row["hub_id"]] += row["followed"]
    return {"follow_up": {hub_id: AxisValue(score=share_score(followed[hub_id], n),
                                            part=followed[hub_id], whole=n)
                          for hub_id, n in due.items() if n}}


def _expert(hub_ids: list[int], fiscal_year: int) -> dict[str, dict[int, AxisValue]]:
    start, end = period(fiscal_year)
    rows = (figures.case_tallies(start=start, end=min(end, fiscal.today()), hub_ids=hub_ids)
            .order_by().values("hub_id").annotate(**figures.case_tally_sums()).order_by())
    return {"expert_share": {row["hub_id"]: AxisValue(
        score=share_score(row["expert"], row["opened"]), part=row["expert"],
        whole=row["opened"]) for row in rows if row["opened"]}}


def _outcomes(hub_ids: list[int], fiscal_year: int) -> dict[str, dict[int, AxisValue]]:
    first_from, first_to = outcome_period(fiscal_year)
    rows = figures.value_added_grouped(group="hub", hub_ids=hub_ids, first_from=first_from,
                                       first_to=first_to)
    values = {}
    for hub_id, row in rows.items():
        change = figures.value_added_figure(row)  # withheld under the minimum of clients
        if not change.clients:
            continue
        values[hub_id] = AxisValue(
            score=None if change.withheld else share_score(change.improved, change.clients),
            part=None if change.withheld else change.improved, whole=change.clients,
            withheld=change.withheld)
    return {"outcomes": values}


def outcome_period(fiscal_year: int) -> tuple[date, date]:
    """The first sessions whose clients the outcomes axis of `fiscal_year` reads."""
    return figures.outcome_cohort(fiscal_year)
