"""Plan attainment (計画の達成度): how far a hub meets its accepted annual plan, for the
multi-axis evaluation and its drill-down, and the plan against its actuals row by row for
the plan dashboards and the hearing's evidence pack. The one definition of a plan's rate of
achievement: nothing else divides an actual by a plan's target.

The definition, for a hub and a fiscal year:

- The yardstick is the hub's accepted plan for the year: its highest-numbered accepted
  version (a mid-year revision being drafted or reviewed does not count until accepted).
  Without an accepted version there is no attainment (None): a draft's or a submitted plan's
  targets are not yet agreed with the bureau.
- Each standard indicator the accepted version sets a year's target for is a row: its target
  to date against its actual to date, as the plan dashboard sets them side by side. The
  target to date is actuals.target_to_date (for counts, the monthly targets of the months
  ended plus the current month's in proportion to its days passed; for rates, the year's
  rate); the actual to date is the year to date from the hub's records (counts summed,
  rates over the year to date: actuals.Tally.yearly, figures.py's definitions, with
  satisfaction withheld under the anonymity minimum).
- Each priority area of the accepted version is a row: its target to date (a count's year
  target in proportion to the months passed, a percentage's year target) against its actual
  to date (plans/measures.py).
- A row's achievement is actual / target to date as a percentage to one decimal
  (figures.rate); it may exceed 100 (the evidence pack shows it so). Its attainment is the
  achievement capped at 100: going beyond one target does not make up for another (and
  floored at 0: a value added that fell against a target of growth attains nothing).
- A row has no achievement (None) when its target to date is missing or zero, or its actual
  is unknown (a rate with nothing to rate yet, satisfaction withheld); such rows are listed
  but left out of the means.
- The standard-indicator attainment is the mean of the standard rows' attainments, the
  priority attainment the mean of the priority rows', each to one decimal; None when no row
  has one (no targets, or none measurable yet).

    plan_attainment(hub=AuthorisedHub, fiscal_year=...)   -> PlanAttainment | None
    plan_attainments(hub_ids=[...], fiscal_year=...)     -> {hub_id: PlanAttainment | None}

The batched form runs a fixed number of queries for any number of hubs: the plans (one), the
tallies (five, only if some hub has an accepted plan), one per kind of priority measure in
use, and the names of the topics the priorities count (one)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hubs.access import AuthorisedHub
from yorozu.core import fiscal

from .. import figures
from . import actuals, measures
from .indicators import STANDARD


@dataclass(frozen=True)
class AttainmentRow:
    """A standard indicator or a priority area: target against actual."""

    kind: str  # "indicator" or "priority"
    code: str  # the indicator's code, or "priority-<position>"
    label: str  # the indicator's name, or the priority area's title
    measure: str  # a priority's measure in words ("" for an indicator)
    unit: str  # "count" or "percent"
    target_year: int | float | None
    target_to_date: int | float | None
    actual: int | float | None
    achievement: float | None  # actual / target to date, percent (may exceed 100)

    @property
    def attainment(self) -> float | None:
        """The achievement kept between 0 and 100."""
        return None if self.achievement is None else max(0.0, min(self.achievement, 100.0))


@dataclass(frozen=True)
class PlanAttainment:
    hub_id: int
    fiscal_year: int
    version: int  # the accepted version measured against
    standard: float | None  # mean attainment over the standard indicators' rows
    priority: float | None  # mean attainment over the priority areas' rows
    standard_rows: list[AttainmentRow]
    priority_rows: list[AttainmentRow]


def achievement(actual, target_to_date) -> float | None:
    """actual / target to date, as a percentage to one decimal; None with no target (or a
    zero one) or no actual."""
    if actual is None or not target_to_date:
        return None
    return figures.rate(actual, target_to_date)


def mean_attainment(rows: Iterable[AttainmentRow]) -> float | None:
    values = [row.attainment for row in rows if row.attainment is not None]
    return round(sum(values) / len(values), 1) if values else None


def standard_rows(targets: dict, yearly: dict, elapsed: float) -> list[AttainmentRow]:
    """Every standard indicator: its target (actuals.targets' form) against the actual to
    date (`yearly`: Tally.yearly), `elapsed` months into the year (actuals.months_elapsed)."""
    rows = []
    for indicator in STANDARD:
        target = targets.get(indicator.code) or {"year": None, "months": [None] * 12}
        to_date = actuals.target_to_date(indicator.code, target, elapsed)
        actual = yearly.get(indicator.code)
        rows.append(AttainmentRow(
            kind="indicator", code=indicator.code, label=str(indicator.label), measure="",
            unit=indicator.unit, target_year=target["year"], target_to_date=to_date,
            actual=actual, achievement=achievement(actual, to_date)))
    return rows


def priority_rows(priorities: list[dict], found: list, elapsed: float,
                  names: dict[str, str]) -> list[AttainmentRow]:
    """Every priority area (plans/content.py's form) against its actual (`found`, in the same
    order: measures.actuals), `elapsed` months into the year; `names`: the topics' names."""
    rows = []
    for n, (priority, actual) in enumerate(zip(priorities, found, strict=True), start=1):
        kind = measures.kind_of(priority)
        to_date = measures.target_to_date(priority, elapsed)
        rows.append(AttainmentRow(
            kind="priority", code=f"priority-{n}", label=priority["title"],
            measure=measures.describe(priority, names),
            unit=kind.unit if kind else "count",
            target_year=priority["target"] if kind else None, target_to_date=to_date,
            actual=actual if kind else None, achievement=achievement(actual, to_date)))
    return rows


def priority_names(plans: Iterable) -> dict[str, str]:
    """The names of the topics the plans' priorities count (one query; none without any)."""
    codes = measures.topics_in(p for plan in plans for p in plan.priorities)
    return measures.topic_names(codes) if codes else {}


def plan_attainments(*, hub_ids: Iterable[int] | None, fiscal_year: int,
                     today: date | None = None) -> dict[int, PlanAttainment | None]:
    """{hub_id: PlanAttainment, or None without an accepted plan} for every hub of
    `hub_ids` (None: every hub that has a plan for the year). The caller derives the ids from
    the user's access (hubs.access), as for actuals.tallies."""
    today = today or fiscal.today()
    hub_ids = None if hub_ids is None else sorted(set(hub_ids))
    plans = actuals.hub_targets(hub_ids=hub_ids, fiscal_year=fiscal_year, drafts=False)
    found: dict[int, PlanAttainment | None] = dict.fromkeys(hub_ids if hub_ids is not None
                                                            else plans)
    accepted = {hub_id: plan for hub_id, plan in plans.items() if plan.accepted}
    if not accepted:
        return found
    tallies = actuals.tallies(hub_ids=sorted(accepted), fiscal_year=fiscal_year, by_hub=True,
                              today=today)
    counted = measures.actuals(hub_priorities={h: p.priorities for h, p in accepted.items()},
                               fiscal_year=fiscal_year, today=today)
    names = priority_names(accepted.values())
    elapsed = actuals.months_elapsed(fiscal_year, today)
    for hub_id, plan in accepted.items():
        tally = tallies.get(hub_id) or actuals.empty_tally(fiscal_year, today)
        standard = [row for row in standard_rows(plan.targets, tally.yearly(), elapsed)
                    if row.target_year is not None]
        priority = priority_rows(plan.priorities, counted[hub_id], elapsed, names)
        found[hub_id] = PlanAttainment(
            hub_id=hub_id, fiscal_year=fiscal_year, version=plan.version,
            standard=mean_attainment(standard), priority=mean_attainment(priority),
            standard_rows=standard, priority_rows=priority)
    return found


def plan_attainment(*, hub: AuthorisedHub, fiscal_year: int,
                    today: date | None = None) -> PlanAttainment | None:
    """The hub's attainment of its accepted plan for the year (see the module's docstring);
    None without an accepted plan."""
    return plan_attainments(hub_ids=hub.ids, fiscal_year=fiscal_year,
                            today=today)[hub.hub.pk]
