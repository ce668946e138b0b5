"""How a plan's priority areas (重点分野) are measured: each priority names a measure, what
the measure counts and a numeric target for the year, and its actual is counted from the
hub's records as evaluation/figures.py defines them (this module only groups figures'
querysets, by hub, as plans/actuals.py does for the standard indicators).

The measures (PlanPriority.Measure):

- Sessions on chosen consultation topics (count): the sessions held in the fiscal year to
  date whose case has one of the chosen topics, read from the topic tally
  (figures.session_topic_tallies). The tally counts a session once per topic of its case, so
  a session whose case has two of the chosen topics counts twice: the measure is the sum of
  the chosen topics' session counts, as the monthly report's topic sheet shows them.
- Milestones of a kind achieved by the hub's clients (count): milestones of the chosen kind
  achieved in the fiscal year to date and confirmed by the client
  (figures.milestones_achieved).
- The share of supported clients whose value added rose (percent), and the change rate of
  their value added (percent): figures.value_added_change's `improved` of `clients` and its
  `rate`, over the clients first consulted in the plan's fiscal year or the two years before
  it (figures.outcome_cohort: a firm's figures for a period ending after its support began
  come a year or more later; the evaluation's outcome axis reads the same window). Withheld,
  and so without an actual, under the outcome figures' anonymity minimum
  (OUTCOME_MIN_CLIENTS).

The actual of a count is the year to date; its target to date is the year's target in
proportion to the months passed (actuals.months_elapsed), rounded half up, as a count's
target is a whole number. A priority has no monthly targets, so the year is spread evenly.
A percentage's target to date is the year's target.

Not offered: a standard indicator narrowed to a priority (new clients on its topics, say):
no tally keeps new clients per topic, and counting them from the records for every hub would
not be cheap.

A priority of a plan's document (plans/content.py) is a dict: title, description, measure,
topics (topic codes), milestone_kind, target (a number, or None)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.models import Topic
from evaluation.outcomes.models import Milestone
from yorozu.core import fiscal

from .. import figures
from .models import PlanPriority

Measure = PlanPriority.Measure


@dataclass(frozen=True)
class Kind:
    """A measure: its unit ("count" or "percent"), what else it needs besides a target
    ("topics", "milestone_kind" or nothing) and the range of its target."""

    code: str
    unit: str
    needs: str = ""
    minimum: Decimal = Decimal(1)
    maximum: Decimal = Decimal(10_000_000)

    @property
    def label(self) -> str:
        return str(Measure(self.code).label)

    @property
    def is_count(self) -> bool:
        return self.unit == "count"


KINDS = {
    Measure.TOPIC_SESSIONS: Kind(Measure.TOPIC_SESSIONS, "count", needs="topics"),
    Measure.MILESTONES: Kind(Measure.MILESTONES, "count", needs="milestone_kind"),
    Measure.VALUE_ADDED_IMPROVED: Kind(Measure.VALUE_ADDED_IMPROVED, "percent",
                                       minimum=Decimal("0.1"), maximum=Decimal(100)),
    Measure.VALUE_ADDED_CHANGE: Kind(Measure.VALUE_ADDED_CHANGE, "percent",
                                     minimum=Decimal("0.1"), maximum=Decimal(1000)),
}
VALUE_ADDED = (Measure.VALUE_ADDED_IMPROVED, Measure.VALUE_ADDED_CHANGE)
# The measures offered when a priority is edited, in this order.
OFFERED = list(KINDS)


def kind_of(priority: dict) -> Kind | None:
    return KINDS.get(priority.get("measure") or "")


# --- Completeness: what a plan needs before it is submitted ------------------------------------
MISSING_MEASURE = gettext_lazy("its measure")
MISSING_TOPICS = gettext_lazy("the consultation topics it counts")
MISSING_KIND = gettext_lazy("the kind of milestone it counts")
MISSING_TARGET = gettext_lazy("its target for the year")


def missing(priority: dict) -> list:
    """What a priority still lacks to be measurable (empty when it is complete)."""
    kind = kind_of(priority)
    if kind is None:
        found = [MISSING_MEASURE]
    elif kind.needs == "topics" and not priority.get("topics"):
        found = [MISSING_TOPICS]
    elif kind.needs == "milestone_kind" and not priority.get("milestone_kind"):
        found = [MISSING_KIND]
    else:
        found = []
    if not _is_number(priority.get("target")):
        found.append(MISSING_TARGET)
    return found


def incomplete(priorities: list[dict]) -> list[tuple[int, dict, list]]:
    """(position from 1, priority, what it lacks) of each priority not yet measurable."""
    return [(n, p, lacks) for n, p in enumerate(priorities, start=1) if (lacks := missing(p))]


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


# --- Words: what a priority measures -----------------------------------------------------------
def topic_names(codes: Iterable[str] | None = None) -> dict[str, str]:
    """{code: name in the current language} of the topics (all of them, or those of `codes`).
    One query."""
    topics = Topic.objects.all()
    if codes is not None:
        topics = topics.filter(code__in=sorted(set(codes)))
    return {t.code: t.name for t in topics.only("code", "name_ja", "name_en")}


def topic_choices(*, chosen: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(code, name) of the topics in use, and of those in `chosen` even if retired since, in
    the topics' order: what a priority's topics are chosen from. One query."""
    topics = Topic.objects.filter(Q(is_active=True) | Q(code__in=sorted(set(chosen))))
    return [(t.code, t.name) for t in topics.order_by("sort_order", "code")]


def milestone_kinds() -> list[tuple[str, str]]:
    """(kind, label) of the milestones a priority may count."""
    return list(Milestone.Kind.choices)


def topics_in(priorities: Iterable[dict]) -> set[str]:
    return {code for p in priorities if kind_of(p) and kind_of(p).needs == "topics"
            for code in p.get("topics") or []}


def describe(priority: dict, names: dict[str, str]) -> str:
    """What the priority counts, in words: 「売上拡大、創業」の相談対応件数. `names`: topic
    names by code (topic_names); a code missing from it is shown as the code."""
    kind = kind_of(priority)
    if kind is None:
        return ""
    if kind.needs == "topics":
        chosen = "、".join(names.get(c, c) for c in priority.get("topics") or [])
        return _("Sessions on the topics %(topics)s") % {"topics": chosen or "—"}
    if kind.needs == "milestone_kind":
        milestone = dict(Milestone.Kind.choices).get(priority.get("milestone_kind") or "")
        return _("Milestones achieved: %(kind)s") % {"kind": milestone or "—"}
    return kind.label


def format_target(priority: dict) -> str:
    """The year's target with its unit (120 / 12.5%), or a dash."""
    value, kind = priority.get("target"), kind_of(priority)
    if not _is_number(value):
        return "—"
    number = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{number}%" if kind is not None and not kind.is_count else number


# --- Targets and actuals -----------------------------------------------------------------------
def target_to_date(priority: dict, elapsed: float) -> int | float | None:
    """The part of the year's target due after `elapsed` months (actuals.months_elapsed):
    for a count, the year's target in proportion to the months passed, rounded half up; for
    a percentage, the year's rate. None without a measure or a target."""
    kind, target = kind_of(priority), priority.get("target")
    if kind is None or not _is_number(target):
        return None
    if not kind.is_count:
        return target
    return math.floor(float(target) * elapsed / 12 + 0.5)


def actuals(*, hub_priorities: dict[int, list[dict]], fiscal_year: int,
            today: date | None = None) -> dict[int, list]:
    """{hub_id: [actual of each of its priorities, in their order]} over the fiscal year to
    date: a number, or None (no measure, a year not begun, nothing to rate). One query per
    kind of measure in use, whatever the number of hubs and priorities."""
    today = today or fiscal.today()
    start = fiscal.fiscal_year_start(fiscal_year)
    end = min(fiscal.fiscal_year_end(fiscal_year), today)
    found = {hub_id: [None] * len(priorities) for hub_id, priorities in hub_priorities.items()}
    if end < start:
        return found
    hub_ids = sorted(hub_priorities)
    used = {kind.code for ps in hub_priorities.values() for p in ps if (kind := kind_of(p))}
    sessions = _topic_sessions(hub_priorities, start=start, end=end, hub_ids=hub_ids)
    milestones = (_milestones(start=start, end=end, hub_ids=hub_ids)
                  if Measure.MILESTONES in used else {})
    value_added = (_value_added(fiscal_year, today=today, hub_ids=hub_ids)
                   if used & set(VALUE_ADDED) else {})
    for hub_id, priorities in hub_priorities.items():
        for i, priority in enumerate(priorities):
            kind = kind_of(priority)
            if kind is None:
                continue
            if kind.code == Measure.TOPIC_SESSIONS:
                found[hub_id][i] = sum(sessions.get((hub_id, code), 0)
                                       for code in dict.fromkeys(priority.get("topics") or []))
            elif kind.code == Measure.MILESTONES:
                found[hub_id][i] = milestones.get((hub_id, priority.get("milestone_kind")), 0)
            else:
                found[hub_id][i] = _value_added_actual(kind.code, value_added.get(hub_id))
    return found


def _milestones(*, start: date, end: date, hub_ids: list[int]) -> dict[tuple[int, str], int]:
    """{(hub_id, kind): milestones achieved} in the period."""
    rows = (figures.milestones_achieved(start=start, end=end, hub_ids=hub_ids).order_by()
            .values("hub_id", "kind").annotate(n=Count("*")).order_by())
    return {(row["hub_id"], row["kind"]): row["n"] for row in rows}


def outcome_period(fiscal_year: int, today: date | None = None) -> tuple[date, date]:
    """The first sessions whose clients a value-added measure of `fiscal_year` reads
    (figures.outcome_cohort; none after today)."""
    first_from, first_to = figures.outcome_cohort(fiscal_year)
    return first_from, min(first_to, today or fiscal.today())


def _value_added(fiscal_year: int, *, today: date, hub_ids: list[int]) -> dict[int, object]:
    """{hub_id: figures.ValueAddedChange} of the hubs' supported clients (withheld under
    the minimum of clients): one query for every hub."""
    first_from, first_to = outcome_period(fiscal_year, today)
    rows = figures.value_added_grouped(group="hub", hub_ids=hub_ids, first_from=first_from,
                                       first_to=first_to)
    return {hub_id: figures.value_added_figure(row) for hub_id, row in rows.items()}


def _value_added_actual(code: str, change) -> float | None:
    """A value-added measure's figure: None with no clients or when withheld."""
    if change is None or change.withheld or not change.clients:
        return None
    if code == Measure.VALUE_ADDED_IMPROVED:
        return figures.rate(change.improved, change.clients)
    return change.rate


def _topic_sessions(hub_priorities: dict, *, start: date, end: date,
                    hub_ids: list[int]) -> dict[tuple[int, str], int]:
    """{(hub_id, topic code): sessions} for the topics the hubs' priorities count."""
    wanted = topics_in(p for priorities in hub_priorities.values() for p in priorities)
    if not wanted:
        return {}
    rows = (figures.session_topic_tallies(start=start, end=end, hub_ids=hub_ids)
            .filter(topic__code__in=sorted(wanted)).order_by()
            .values("hub_id", "topic__code").annotate(n=Sum("sessions")).order_by())
    counted: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        counted[row["hub_id"], row["topic__code"]] += row["n"]
    return counted
