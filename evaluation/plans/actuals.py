"""What hubs actually did, per standard indicator and month of a fiscal year, beside what they
planned (the targets of the accepted plan version).

Every figure is counted in the database with a fixed number of GROUP BY queries (one per kind of
record), whatever the data size; months are Tokyo calendar months, April first. Only records
up to today count: months after today are None, and a referral whose follow-up is not yet due
is not yet counted against the hub.

    monthly(hub_ids=..., fiscal_year=...)   -> {"sessions": [12 values, April..March], ...}
    yearly(hub_ids=..., fiscal_year=...)    -> {"sessions": total to date, "follow_up": rate}
    tallies(hub_ids=..., fiscal_year=..., by_hub=True) -> {hub_id: Tally} (5 queries for all)
    targets(plan_content)                   -> {"sessions": {"year": .., "months": [12]}, ...}
    target_to_date(code, target, months_elapsed(fiscal_year)) -> the target due by today
    hub_targets(hub_ids=..., fiscal_year=...) -> {hub_id: PlanTargets} (1 query; 2 with drafts)
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from numbers import Real
from zoneinfo import ZoneInfo

from django.db.models import JSONField as JSONOutput
from django.db.models import OuterRef, Subquery

from yorozu.core import fiscal

from .. import figures
from .content import draft_priorities_json, normalize, priorities_from_json, targets_from_rows
from .indicators import BY_CODE, STANDARD
from .models import AnnualPlan, PlanTarget, PlanVersion

TOKYO = ZoneInfo("Asia/Tokyo")
MONTHS = 12
# The months of a fiscal year in order, as calendar month numbers: 4, 5, ..., 12, 1, 2, 3.
CALENDAR_MONTHS = [(i + 3) % 12 + 1 for i in range(MONTHS)]


def month_index(day) -> int:
    """0 for April ... 11 for March."""
    return (day.month - 4) % 12


def month_starts(fiscal_year: int) -> list[date]:
    return [date(fiscal_year + (1 if m < 4 else 0), m, 1) for m in CALENDAR_MONTHS]


def months_started(fiscal_year: int, today: date | None = None) -> int:
    """How many months of the fiscal year have begun by `today` (0..12)."""
    today = today or fiscal.today()
    return sum(1 for start in month_starts(fiscal_year) if start <= today)


_rate = figures.rate


@dataclass
class Tally:
    """The raw monthly counts of one hub (or of a set of hubs), from which every indicator is
    computed. Lists run April..March."""

    started: int  # months of the year begun by today; later months are None in the figures
    sessions: list[int] = field(default_factory=lambda: [0] * MONTHS)
    new_clients: list[int] = field(default_factory=lambda: [0] * MONTHS)
    referrals_due: list[int] = field(default_factory=lambda: [0] * MONTHS)
    referrals_followed: list[int] = field(default_factory=lambda: [0] * MONTHS)
    cases_opened: list[int] = field(default_factory=lambda: [0] * MONTHS)
    cases_expert: list[int] = field(default_factory=lambda: [0] * MONTHS)
    cases_policy: list[int] = field(default_factory=lambda: [0] * MONTHS)  # evidence pack
    answers: list[int] = field(default_factory=lambda: [0] * MONTHS)  # satisfaction survey
    satisfied: list[int] = field(default_factory=lambda: [0] * MONTHS)

    COUNTERS = ("sessions", "new_clients", "referrals_due", "referrals_followed",
                "cases_opened", "cases_expert", "cases_policy", "answers", "satisfied")

    def __add__(self, other: Tally) -> Tally:
        total = Tally(started=max(self.started, other.started))
        for name in self.COUNTERS:
            setattr(total, name, [a + b for a, b in zip(getattr(self, name),
                                                         getattr(other, name), strict=True)])
        return total

    def monthly(self) -> dict[str, list]:
        def upto(values):
            return [v if i < self.started else None for i, v in enumerate(values)]

        return {
            "sessions": upto(self.sessions),
            "new_clients": upto(self.new_clients),
            "satisfaction": upto(self._satisfaction_by_month()),
            "follow_up": upto([_rate(n, d) for n, d in zip(self.referrals_followed,
                                                          self.referrals_due, strict=True)]),
            "expert_share": upto([figures.expert_share(n, d) for n, d in zip(self.cases_expert,
                                                             self.cases_opened, strict=True)]),
        }

    def _satisfaction_by_month(self) -> list[float | None]:
        # Months of too few answers are withheld, and so are as many more as it takes for the
        # year's figure minus the shown months not to reveal them.
        hidden = figures.satisfaction_withholding(self.answers[:self.started])
        return [None if i < len(hidden) and hidden[i] else figures.satisfaction_rate(n, d)
                for i, (n, d) in enumerate(zip(self.satisfied, self.answers, strict=True))]

    def yearly(self) -> dict[str, int | float | None]:
        """Totals for counts and rates over the year to date (not averages of months); None
        for a year that has not begun."""
        if not self.started:
            return {i.code: None for i in STANDARD}
        return {
            "sessions": sum(self.sessions),
            "new_clients": sum(self.new_clients),
            "satisfaction": figures.satisfaction_rate(sum(self.satisfied), sum(self.answers)),
            "follow_up": _rate(sum(self.referrals_followed), sum(self.referrals_due)),
            "expert_share": figures.expert_share(sum(self.cases_expert), sum(self.cases_opened)),
        }


def _months(rows, *, by_hub: bool) -> list[dict]:
    """Rows already counted per hub and month, summed over hubs unless `by_hub`."""
    if by_hub:
        return rows
    summed: dict = {}
    for row in rows:
        total = summed.setdefault(row["month"], {"month": row["month"]})
        for key, value in row.items():
            if key not in ("hub_id", "month"):
                total[key] = total.get(key, 0) + value
    return list(summed.values())


def tallies(*, hub_ids: Iterable[int] | None, fiscal_year: int, by_hub: bool = False,
            today: date | None = None) -> dict[int | None, Tally]:
    """Raw monthly counts: {hub_id: Tally} when `by_hub`, else {None: Tally} for all of
    `hub_ids` together (None = every hub). Five queries, whatever the data size. Hubs without
    any record are missing from a by-hub answer: use `.get(pk) or empty_tally(...)`."""
    today = today or fiscal.today()
    hub_ids = None if hub_ids is None else list(hub_ids)
    started = months_started(fiscal_year, today)
    found: dict[int | None, Tally] = {}
    if not by_hub:
        found[None] = Tally(started=started)
    if not started or hub_ids == []:
        return found
    start = fiscal.fiscal_year_start(fiscal_year)
    end = min(fiscal.fiscal_year_end(fiscal_year), today)

    def add(rows, pairs):
        for row in rows:
            key = row["hub_id"] if by_hub else None
            # Made once per hub, not per row: a Tally is a dozen lists (2,000 rows nationally).
            if (tally := found.get(key)) is None:
                tally = found[key] = Tally(started=started)
            i = month_index(row["month"])
            for attr, key in pairs:
                getattr(tally, attr)[i] += row[key]

    add(_months(figures.sessions_by_month(start=start, end=end, hub_ids=hub_ids),
                by_hub=by_hub), [("sessions", "n")])
    # Every figure as evaluation/figures.py defines it for every page.
    add(_months(figures.new_clients_by_month(start=start, end=end, hub_ids=hub_ids),
                by_hub=by_hub), [("new_clients", "n")])
    add(_months(figures.referrals_by_month(start=start, end=end, as_of=today, hub_ids=hub_ids),
                by_hub=by_hub), [("referrals_due", "due"), ("referrals_followed", "followed")])
    add(_months(figures.cases_by_month(start=start, end=end, hub_ids=hub_ids), by_hub=by_hub),
        [("cases_opened", "opened"), ("cases_expert", "expert"), ("cases_policy", "policy")])
    add(_months(figures.satisfaction_by_month(start=start, end=end, hub_ids=hub_ids),
                by_hub=by_hub), [("answers", "n"), ("satisfied", "satisfied")])
    return found


def empty_tally(fiscal_year: int, today: date | None = None) -> Tally:
    return Tally(started=months_started(fiscal_year, today))


def monthly(*, hub_ids: Iterable[int] | None, fiscal_year: int,
            today: date | None = None) -> dict[str, list]:
    """Actuals per standard indicator: 12 values, April..March; None after today (and for a
    rate in a month with nothing to rate)."""
    return tallies(hub_ids=hub_ids, fiscal_year=fiscal_year, today=today)[None].monthly()


def yearly(*, hub_ids: Iterable[int] | None, fiscal_year: int,
           today: date | None = None) -> dict[str, int | float | None]:
    """Actuals over the fiscal year to date: totals for counts, rates for percentages."""
    return tallies(hub_ids=hub_ids, fiscal_year=fiscal_year, today=today)[None].yearly()


# --- Targets ---------------------------------------------------------------------------------
def _number(value) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, Real) or value < 0:
        return None
    return value


def targets(plan_content) -> dict[str, dict]:
    """The targets of a plan's content, for every standard indicator, read defensively:
    {"year": number or None, "months": [12 numbers or None, April..March]}. Anything that is
    not a non-negative number reads as None. A count target without a year figure but with
    monthly ones has the sum of the months as its year. Percent targets are yearly rates: their
    months are None."""
    raw = plan_content.get("targets") if isinstance(plan_content, dict) else None
    raw = raw if isinstance(raw, dict) else {}
    found = {}
    for indicator in STANDARD:
        entry = raw.get(indicator.code)
        entry = entry if isinstance(entry, dict) else {}
        year = _number(entry.get("year"))
        months = [None] * MONTHS
        if indicator.is_count:
            given = entry.get("months")
            if isinstance(given, list) and len(given) == MONTHS:
                months = [_number(v) for v in given]
            if year is None and any(v is not None for v in months):
                year = sum(v for v in months if v is not None)
        elif year is not None and year > 100:
            year = None
        found[indicator.code] = {"year": year, "months": months}
    return found


def months_elapsed(fiscal_year: int, today: date | None = None) -> float:
    """How much of the fiscal year has passed by the end of `today`, in months: the months
    ended plus the share of the current month's days up to and including today (the actuals
    count today's records). 0 before 1 April, 12 after 31 March."""
    today = today or fiscal.today()
    starts = month_starts(fiscal_year) + [date(fiscal_year + 1, 4, 1)]
    for i, (start, end) in enumerate(itertools.pairwise(starts)):
        if today < start:
            return float(i)
        if today < end:
            return i + today.day / (end - start).days
    return float(MONTHS)


def target_to_date(code: str, target: dict, elapsed: float) -> int | float | None:
    """The part of a year's target due after `elapsed` months (see months_elapsed): for
    counts, the monthly targets of the months ended plus the current month's in proportion to
    its days passed, rounded to a whole number (None if a month needed is not set); for
    percentages, the yearly rate. Given a whole number of months, whole months count."""
    if not BY_CODE[code].is_count:
        return target["year"]
    whole, part = int(elapsed), elapsed - int(elapsed)
    months = target["months"][:math.ceil(elapsed)]
    if any(v is None for v in months):
        return None
    due = sum(months[:whole]) + (months[whole] * part if part else 0)
    return math.floor(due + 0.5)  # half up: a count target is a whole number


@dataclass(frozen=True)
class PlanTargets:
    targets: dict[str, dict]
    accepted: bool  # False: read from the working draft, not yet accepted
    version: int | None  # the accepted version's number
    # The priority areas of the same version (or draft), as plans/content.py has them.
    priorities: list[dict] = field(default_factory=list)


def hub_targets(*, hub_ids: Iterable[int] | None, fiscal_year: int,
                drafts: bool = True) -> dict[int, PlanTargets]:
    """{hub_id: PlanTargets} for the hubs that have a plan for the year: the highest-numbered
    accepted version's targets and priority areas, or else the draft's (accepted=False).
    One query (the draft's priority rows read in it as JSON), and one more for the drafts'
    target rows when a plan has no accepted version, unless `drafts` is False (attainment,
    which measures accepted plans only: a draft's targets are then left empty)."""
    accepted = (PlanVersion.objects.filter(plan=OuterRef("pk"), outcome="accepted")
                .order_by("-number"))
    plans = list(figures.scoped(AnnualPlan.objects, None if hub_ids is None else list(hub_ids))
                 .filter(fiscal_year=fiscal_year)
                 .annotate(accepted_content=Subquery(accepted.values("content")[:1],
                                                     output_field=JSONOutput()),
                           accepted_number=Subquery(accepted.values("number")[:1]),
                           draft_priorities=draft_priorities_json())
                 .values("pk", "hub_id", "accepted_content", "accepted_number",
                         "draft_priorities"))
    drafts = (_draft_targets([p["pk"] for p in plans if p["accepted_number"] is None])
              if drafts else {})
    found = {}
    for plan in plans:
        if plan["accepted_number"] is not None:
            content = plan["accepted_content"]
            found[plan["hub_id"]] = PlanTargets(
                targets(content), True, plan["accepted_number"],
                normalize(content if isinstance(content, dict) else {})["priorities"])
        else:
            found[plan["hub_id"]] = PlanTargets(
                targets({"targets": drafts.get(plan["pk"], {})}), False, None,
                priorities_from_json(plan["draft_priorities"]))
    return found


def _draft_targets(plan_ids: list[int]) -> dict[int, dict]:
    """{plan id: the draft's targets as the document has them}, from PlanTarget rows."""
    if not plan_ids:
        return {}
    rows = defaultdict(list)
    for row in PlanTarget.objects.filter(plan_id__in=plan_ids).order_by():
        rows[row.plan_id].append(row)
    return {plan_id: targets_from_rows(found) for plan_id, found in rows.items()}
