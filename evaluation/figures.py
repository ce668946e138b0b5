"""The hub figures: the one definition of each figure that the hub page, the plan dashboards,
the hearing's evidence pack and the Excel reports show. Each of those groups these querysets
as it needs (by hub, by month, for a year), always in the database; nothing here loops over
records, and nothing else defines these figures again (tests/project/test_hub_figures.py checks).

- Sessions handled (相談対応件数): sessions held in the period (`held_on`, a Tokyo date).
- New clients (新規相談者数): clients whose first consultation, the earliest session of any
  of their cases, was held in the period. A returning client is not new again; a client on
  record with no session yet is not counted until the first one. Not the record's creation
  date, because records are entered late and imported in bulk; not the first case's opening,
  because a case can be opened before anyone has been consulted.
- Follow-up rate (フォローアップ率): of the referrals whose follow-up date falls in the
  period and has come (on or before the day of counting), the share reported back or closed.
  A referral not yet due is not counted against the hub.
- Expert share (専門的な提案の案件の割合): of the cases opened in the period (`opened_on`),
  the share whose depth is an expert proposal. Counted on cases, not sessions: a long case
  would otherwise weigh as many times as it had sessions. (The hub page also counts the
  year's sessions held in expert-proposal cases, beside the sessions handled.)
- Satisfaction (相談者の満足度): of the satisfaction survey answers given in the period
  (`answered_on`), the share with 4 or 5 on the overall question. Anonymity: a figure of
  fewer than SATISFACTION_MIN_ANSWERS answers is withheld, and every breakdown (months,
  coordinators, hubs beside their bureau, bureaus beside the nation) obeys the same minimum
  as its total; a cell that is large enough is still hidden when the total minus the cells
  shown would give away a small group (`satisfaction_withholding`).

- Value-added change (付加価値額の変化) of supported clients: a supported client is one with a
  first session (`Client.first_session_on`). Its baseline is its latest financial snapshot
  whose fiscal period ended on or before that day (a period that ends the day support began
  holds nothing of it), its latest the latest snapshot whose period ended after it; a client
  counts only with both. Value added = operating profit + personnel costs + depreciation
  (evaluation/outcomes/models.py, `value_added_of`), in thousands of yen. The figure: the sum
  of latest minus the sum of baseline over the counted clients (`change`), its rate against
  the baseline sum (`rate`; None unless that sum is above 0), how many clients are behind it
  (`clients`) and how many of them grew (`improved`: latest above baseline). A period of
  first sessions (`first_from`, `first_to`) picks a cohort of clients. Per coordinator: the
  clients of the cases they lead (`Case.lead`; a client of two leads counts for both).
  Anonymity: a figure on fewer than OUTCOME_MIN_CLIENTS clients is withheld, and every
  breakdown (coordinators, hubs beside their bureau, bureaus beside the nation) obeys the same
  minimum and the same complementary rule as satisfaction (`value_added_cells`).
- Milestones achieved (成果): milestones the client has confirmed whose day achieved is in the
  period (`milestones_achieved`). A milestone not yet confirmed is the hub's claim only.

Rates are percentages to one decimal (`rate`). The hub of a record is its own `hub` column.

Why here and not in consultations: satisfaction answers live in evaluation.surveys, a floor
above consultations (docs/architecture.md, *Hub figures*); consultations itself uses none of
these figures.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from consultations.models import (
    Case,
    CaseTally,
    Client,
    ClientTally,
    Referral,
    ReferralTally,
    Session,
    SessionTally,
    SessionTopicTally,
)
from hubs.access import AuthorisedHub
from hubs.models import Hub
from yorozu.core import fiscal

from .outcomes.models import FinancialSnapshot, Milestone, value_added_of
from .surveys.anonymity import TOO_FEW, withholding
from .surveys.models import SatisfactionResponse, SatisfactionTally

FOLLOWED_UP = (Referral.Status.REPORTED, Referral.Status.CLOSED)
FOLLOWED = Q(status__in=FOLLOWED_UP)
SATISFIED = Q(overall__gte=SatisfactionResponse.SATISFIED)


def scoped(queryset: QuerySet, hub_ids: Iterable[int] | None) -> QuerySet:
    """The queryset limited to `hub_ids` (None: every hub)."""
    return queryset if hub_ids is None else queryset.filter(hub__in=sorted(hub_ids))


def rate(part: int, whole: int) -> float | None:
    """A percentage to one decimal, as every page and file shows it; None with nothing to rate."""
    return round(100 * part / whole, 1) if whole else None


# --- Sessions, new clients, follow-up ----------------------------------------------------------
def sessions_held(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    return scoped(Session.objects, hub_ids).filter(held_on__range=(start, end))


def sessions_by_month(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """`sessions_held` counted per hub and month, read from the tally kept with the sessions
    (consultations/tallies.py): rows of `hub_id`, `month` (its first day) and `n`. For a
    period of whole months, the last of which may run to today (no session is held in the
    future); the tally cannot split a month."""
    return (session_tallies(start=start, end=end, hub_ids=hub_ids)
            .order_by().values("hub_id", "month").annotate(n=Sum("sessions")).order_by())


def session_tallies(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """The tally rows (hub, month, channel: `sessions`) behind `sessions_by_month`."""
    _whole_months(start, end)
    return scoped(SessionTally.objects, hub_ids).filter(month__range=(start, end))


def session_topic_tallies(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """`sessions_held` per hub, month, topic of their case and channel, from the tally kept
    with the sessions and their cases' topics (rows of hub, month, topic, channel: `sessions`):
    a session once per topic of its case, topic None for a case without topics. Whole months
    only, as `sessions_by_month`."""
    _whole_months(start, end)
    return scoped(SessionTopicTally.objects, hub_ids).filter(month__range=(start, end))


def new_clients(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """Clients whose first session was held in [start, end], each annotated with that date
    (`first_held_on`), by which callers group them into months. The date is kept on the
    client with its sessions (consultations/summaries.py): an indexed read. Count them with
    Count("*"): the index on (first_session_on, hub) then answers alone (an index-only scan,
    11 ms for the nation's year at 5 M instead of 90 with Count("pk"))."""
    return (scoped(Client.objects, hub_ids).filter(first_session_on__range=(start, end))
            .annotate(first_held_on=F("first_session_on")))


def new_clients_by_month(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """`new_clients` counted per hub and month, read from the tally kept with the clients'
    first session days (consultations/tallies.py): rows of `hub_id`, `month` and `n`. Whole
    months only, as `sessions_by_month`."""
    return (client_tallies(start=start, end=end, hub_ids=hub_ids)
            .order_by().values("hub_id", "month").annotate(n=Sum("clients")).order_by())


def client_tallies(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """The tally rows (hub, month: `clients`) behind `new_clients_by_month`."""
    _whole_months(start, end)
    return scoped(ClientTally.objects, hub_ids).filter(month__range=(start, end))


def referrals_due(*, start: date, end: date, as_of: date,
                  hub_ids: Iterable[int] | None = None):
    """Referrals whose follow-up date is in [start, end] and not after `as_of`."""
    return scoped(Referral.objects, hub_ids).filter(
        follow_up_due__range=(start, min(end, as_of)))


def follow_up_counts() -> dict[str, Count]:
    """Aggregates over `referrals_due`: how many were due, how many were followed up."""
    # Counted by the hub column (never null), which the index on (follow_up_due, hub, status)
    # holds: the index answers alone (index-only), as it cannot for the key.
    return {"due": Count("hub"), "followed": Count("hub", filter=FOLLOWED)}


def referrals_by_month(*, start: date, end: date, as_of: date,
                       hub_ids: Iterable[int] | None = None):
    """`referrals_due` with `follow_up_counts` per hub and month: rows of `hub_id`, `month`
    (its first day), `due` and `followed`, in one statement. The months before `as_of`'s are
    read from the tally kept with the referrals (consultations/tallies.py); `as_of`'s own
    month, in which a referral may be due later than `as_of` and not yet count, from the
    referrals themselves (a few days of them). `start` is a month's first day."""
    last = min(end, as_of)
    current = last.replace(day=1) if last == as_of else last + timedelta(days=1)
    whole = (scoped(ReferralTally.objects, hub_ids)
             .filter(month__gte=start, month__lt=current).order_by().values("hub_id", "month")
             .annotate(due=Sum("referrals"), followed=Sum("referrals", filter=FOLLOWED,
                                                           default=0)).order_by())
    if current > last:  # the period ends with a whole month
        return whole
    part = (referrals_due(start=current, end=end, as_of=as_of, hub_ids=hub_ids).order_by()
            .annotate(month=Value(current, output_field=DateField()))
            .values("hub_id", "month").annotate(**follow_up_counts()).order_by())
    return whole.union(part, all=True)


# --- Expert share ------------------------------------------------------------------------------
def cases_opened(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    return scoped(Case.objects, hub_ids).filter(opened_on__range=(start, end))


def cases_by_month(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """`cases_opened` with `case_depth_counts` per hub and month, read from the tally kept
    with the cases (consultations/tallies.py): rows of `hub_id`, `month`, `opened`, `expert`
    and `policy`. Whole months only, as `sessions_by_month`."""
    return (case_tallies(start=start, end=end, hub_ids=hub_ids).order_by()
            .values("hub_id", "month").annotate(**case_tally_sums()).order_by())


def case_tallies(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """The tally rows (hub, month, depth: `cases`) behind `cases_by_month`."""
    _whole_months(start, end)
    return scoped(CaseTally.objects, hub_ids).filter(month__range=(start, end))


def case_tally_sums() -> dict[str, Sum]:
    """Over `case_tallies`: `case_depth_counts`' figures from the tally."""
    return {"opened": Sum("cases"),
            "expert": Sum("cases", filter=Q(depth=Case.Depth.EXPERT), default=0),
            "policy": Sum("cases", filter=Q(depth=Case.Depth.POLICY), default=0)}


def _whole_months(start: date, end: date) -> None:
    # A tally cannot split a month; the last may run to today (nothing is dated later).
    if start.day != 1 or (end < fiscal.today() and (end + timedelta(days=1)).day != 1):
        raise ValueError("tallies count whole months only")


def case_depth_counts() -> dict[str, Count]:
    """Aggregates over `cases_opened`: opened, expert proposals (the expert share's two
    terms) and policy introductions (the evidence pack sets them side by side)."""
    return {"opened": Count("pk"),
            "expert": Count("pk", filter=Q(depth=Case.Depth.EXPERT)),
            "policy": Count("pk", filter=Q(depth=Case.Depth.POLICY))}


def expert_share(expert: int, opened: int) -> float | None:
    return rate(expert, opened)


def expert_sessions(sessions: QuerySet) -> QuerySet:
    """Of `sessions_held` (already of its hubs): the sessions of expert-proposal cases (the
    hub page's count), by their case's depth kept on each session (`case_depth`,
    consultations/summaries.py). Count them with Count("*"): the partial index of expert
    sessions on (hub, held_on) then answers alone (an index-only scan), with no join to the
    cases."""
    return sessions.filter(case_depth=Case.Depth.EXPERT)


# --- Satisfaction ------------------------------------------------------------------------------
def min_answers() -> int:
    return settings.SATISFACTION_MIN_ANSWERS


def satisfaction_answers(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    return scoped(SatisfactionResponse.objects, hub_ids).filter(
        answered_on__range=(start, end))


def satisfaction_counts(where: Q | None = None, *, prefix: str = "") -> dict[str, Count]:
    """Aggregates over `satisfaction_answers`: answers and satisfied answers (optionally
    only those matching `where`, under prefixed names)."""
    satisfied = SATISFIED & where if where is not None else SATISFIED
    # Counted by the hub column (never null), which the index on (answered_on, hub, overall)
    # holds: the index answers alone (index-only), as it cannot for the key.
    return {f"{prefix}n": Count("hub", filter=where),
            f"{prefix}satisfied": Count("hub", filter=satisfied)}


def satisfaction_by_month(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """`satisfaction_answers` with `satisfaction_counts` per hub and month, read from the
    tally kept with the answers (evaluation/surveys/satisfaction.py, TALLY): rows of `hub_id`,
    `month`, `n` and `satisfied`. Whole months only, as `sessions_by_month` (an answer is
    dated the day it is given)."""
    _whole_months(start, end)
    return (scoped(SatisfactionTally.objects, hub_ids).filter(month__range=(start, end))
            .order_by().values("hub_id", "month")
            .annotate(n=Sum("answers"), satisfied=Sum("answers", filter=SATISFIED, default=0))
            .order_by())


def satisfaction_withheld(answers: int) -> bool:
    """Whether a figure over `answers` answers is withheld on its own account (1 to min-1)."""
    return 0 < answers < min_answers()


def satisfaction_rate(satisfied: int, answers: int) -> float | None:
    """The satisfaction figure: None with no answers or too few to show."""
    return None if satisfaction_withheld(answers) else rate(satisfied, answers)


def satisfaction_withholding(counts: list[int], *, total: int | None = None
                             ) -> list[str | None]:
    """The rule for every breakdown of satisfaction, per cell: None (shown), TOO_FEW or
    PROTECTS_OTHERS (anonymity.withholding with the satisfaction minimum). `total`: the
    figure shown beside the cells when it also counts cells not shown."""
    return withholding(counts, min_answers(), total=total)


def satisfaction_residual_too_small(counts: list[int]) -> bool:
    """For a breakdown that withholds only its cells of too few answers (the hubs beside
    the national total, in the summary and the national roll-up): whether those cells add up
    to a small group, which the total minus the shown cells would reveal. Then the total is
    withheld instead of protecting cells (the other way `satisfaction_withholding` takes)."""
    residual = sum(n for n in counts if satisfaction_withheld(n))
    return 0 < residual < min_answers()


# --- Client outcomes: value added ---------------------------------------------------------------
def outcome_min_clients() -> int:
    return settings.OUTCOME_MIN_CLIENTS


def _snapshot_at(client: str, first: str, *, before: bool) -> QuerySet:
    """The outer row's client's snapshots whose period ended on or before its first session
    (`before`: the baseline's candidates) or after it (the latest's), latest first.
    `client`, `first`: the outer row's paths to the client and to its first session day."""
    ended = ({"period_end__lte": OuterRef(first)} if before
             else {"period_end__gt": OuterRef(first)})
    return (FinancialSnapshot.objects.filter(client=OuterRef(client), **ended)
            .order_by("-period_end"))


def _value_added_at(client: str, first: str, *, before: bool) -> Subquery:
    """The value added of the client's baseline (`before`) or latest snapshot."""
    found = _snapshot_at(client, first, before=before).annotate(va=value_added_of())
    return Subquery(found.values("va")[:1], output_field=BigIntegerField())


def snapshots_with_roles(snapshots: QuerySet) -> QuerySet:
    """A client's snapshots (already read through the user's access), each with the period
    ends of the snapshots the figure takes as its client's baseline and latest
    (`baseline_end`, `latest_end`), so that a page can mark them. None for a client without
    a first session, or without such a snapshot."""
    return snapshots.annotate(**{
        f"{name}_end": Subquery(_snapshot_at("client", "client__first_session_on",
                                             before=name == "baseline")
                                .values("period_end")[:1])
        for name in ("baseline", "latest")})


def _with_value_added(rows: QuerySet, *, client: str, first: str) -> QuerySet:
    """`rows` whose client has both snapshots, with `baseline_va`, `latest_va` and `change`."""
    # Whether both exist is asked of the (client, period_end) index alone.
    both = [Exists(_snapshot_at(client, first, before=before)) for before in (True, False)]
    return (rows.filter(*both)
            .annotate(baseline_va=_value_added_at(client, first, before=True),
                      latest_va=_value_added_at(client, first, before=False))
            .annotate(change=F("latest_va") - F("baseline_va")))


def _supported(rows: QuerySet, *, first: str, first_from: date | None,
               first_to: date | None, snapshots: QuerySet) -> QuerySet:
    """`rows` of supported clients (first consulted, in the period when given) that have any
    of `snapshots`: a semi-join on the snapshots, far fewer than the clients."""
    rows = rows.filter(**{f"{first}__isnull": False})
    if first_from is not None:
        rows = rows.filter(**{f"{first}__gte": first_from})
    if first_to is not None:
        rows = rows.filter(**{f"{first}__lte": first_to})
    client = "pk" if first == "first_session_on" else "client"
    return rows.filter(**{f"{client}__in": snapshots.values("client")})


def value_added_clients(*, hub_ids: Iterable[int] | None = None, first_from: date | None = None,
                        first_to: date | None = None) -> QuerySet:
    """The clients the value-added figure counts (first consulted in [first_from, first_to]
    when given), each annotated with `baseline_va`, `latest_va` and `change` (thousand yen):
    the drill-down list behind the figure."""
    clients = _supported(scoped(Client.objects, hub_ids), first="first_session_on",
                         first_from=first_from, first_to=first_to,
                         snapshots=scoped(FinancialSnapshot.objects, hub_ids))
    return _with_value_added(clients, client="pk", first="first_session_on")


def value_added_sums() -> dict:
    """Aggregates over `value_added_clients` (or the lead-client pairs of the coordinator
    breakdown): how many, the two sums, how many grew."""
    return {"clients": Count("pk"), "baseline": Sum("baseline_va"),
            "latest": Sum("latest_va"), "improved": Count("pk", filter=Q(change__gt=0))}


@dataclass(frozen=True)
class ValueAddedChange:
    """The value-added figure over `clients` clients (amounts in thousand yen). Withheld: only
    `clients` is given, with the reason (anonymity.TOO_FEW or PROTECTS_OTHERS). No clients:
    nothing to show, nothing withheld."""

    clients: int
    baseline: int | None = None
    latest: int | None = None
    change: int | None = None
    rate: float | None = None
    improved: int | None = None
    withheld: bool = False
    withheld_reason: str | None = None


def value_added_withheld(clients: int) -> bool:
    """Whether a figure over `clients` clients is withheld on its own account (1 to min-1)."""
    return 0 < clients < outcome_min_clients()


def value_added_figure(row: dict, *, reason: str | None = None) -> ValueAddedChange:
    """The figure from a row of `value_added_sums`, withheld for `reason` or too few clients."""
    clients = row.get("clients") or 0
    if reason is None and value_added_withheld(clients):
        reason = TOO_FEW
    if reason is not None:
        return ValueAddedChange(clients=clients, withheld=True, withheld_reason=reason)
    if not clients:
        return ValueAddedChange(clients=0)
    baseline, latest = int(row["baseline"]), int(row["latest"])
    change = latest - baseline
    return ValueAddedChange(clients=clients, baseline=baseline, latest=latest, change=change,
                            rate=rate(change, baseline) if baseline > 0 else None,
                            improved=row["improved"])


def value_added_change(*, hub_ids: Iterable[int] | None = None, first_from: date | None = None,
                       first_to: date | None = None, coordinator=None) -> ValueAddedChange:
    """The value-added figure of the clients of `hub_ids` (None: every hub), first consulted
    in the period when given; with `coordinator`, of the clients of cases they lead. One
    query, aggregated in the database."""
    clients = value_added_clients(hub_ids=hub_ids, first_from=first_from, first_to=first_to)
    if coordinator is not None:
        clients = clients.filter(Exists(Case.objects.filter(client=OuterRef("pk"),
                                                            lead=coordinator)))
    return value_added_figure(clients.aggregate(**value_added_sums()))


GROUPS = {"hub": "hub_id", "bureau": "hub__bureau_id", "coordinator": "lead_id"}


def value_added_grouped(*, group: str, hub_ids: Iterable[int] | None = None,
                        first_from: date | None = None, first_to: date | None = None
                        ) -> dict[int, dict]:
    """`value_added_sums` per hub, bureau or coordinator (the lead of any of the client's
    cases), keyed by its id, in one query. Raw sums: show them only through
    `value_added_cells`, which withholds."""
    if group == "coordinator":
        # One row per lead and client: the client's first case with that lead.
        earlier = Case.objects.filter(client=OuterRef("client"), lead=OuterRef("lead"),
                                      pk__lt=OuterRef("pk"))
        pairs = _supported(scoped(Case.objects, hub_ids).filter(~Exists(earlier)),
                           first="client__first_session_on", first_from=first_from,
                           first_to=first_to, snapshots=scoped(FinancialSnapshot.objects,
                                                               hub_ids))
        rows = _with_value_added(pairs, client="client", first="client__first_session_on")
    else:
        rows = value_added_clients(hub_ids=hub_ids, first_from=first_from, first_to=first_to)
    grouped = (rows.order_by().values(group_id=F(GROUPS[group]))
               .annotate(**value_added_sums()).order_by())
    return {row.pop("group_id"): row for row in grouped}


def value_added_cells(rows: dict, *, total: int | None = None) -> dict:
    """The figure of each row of `value_added_grouped` shown beside their total: a cell of
    too few clients is withheld, and so are the smallest shown cells while the total minus
    the shown cells would be a group of too few (anonymity.withholding). `total`: the
    clients of the total when the cells overlap or leave some out (coordinators beside their
    hub); by default the cells' sum."""
    keys = list(rows)
    reasons = withholding([rows[k]["clients"] for k in keys], outcome_min_clients(),
                          total=total)
    return {k: value_added_figure(rows[k], reason=reason)
            for k, reason in zip(keys, reasons, strict=True)}


def value_added_sum(rows: Iterable[dict]) -> dict:
    """Rows of `value_added_sums` added up (a bureau's hubs; the nation's bureaus): a handful
    of aggregates, not the clients behind them."""
    total = {"clients": 0, "baseline": 0, "latest": 0, "improved": 0}
    for row in rows:
        for name in total:
            total[name] += row.get(name) or 0
    return total


# Value added takes years to move: a year's outcome figures (the evaluation's outcomes axis, a
# plan's value-added priority) read the clients first consulted in that fiscal year or the two
# before it.
OUTCOME_YEARS = 3


def outcome_cohort(fiscal_year: int) -> tuple[date, date]:
    """The first sessions whose clients a fiscal year's outcome figures read (first_from,
    first_to of value_added_clients)."""
    return (fiscal.fiscal_year_start(fiscal_year - OUTCOME_YEARS + 1),
            fiscal.fiscal_year_end(fiscal_year))


# --- Client outcomes: milestones ----------------------------------------------------------------
def milestones_achieved(*, start: date, end: date, hub_ids: Iterable[int] | None = None,
                        kind: str | None = None) -> QuerySet:
    """Milestones achieved in [start, end] (`achieved_on`) that the client has confirmed,
    optionally of one kind; callers count them per hub or kind in the database."""
    found = scoped(Milestone.objects, hub_ids).filter(achieved_on__range=(start, end),
                                                      confirmed_on__isnull=False)
    return found if kind is None else found.filter(kind=kind)


# --- A hub's year, for the hub page ------------------------------------------------------------
def _per_hub(queryset: QuerySet, aggregate) -> Coalesce:
    """An aggregate of `queryset` for the hub of the outer row, as a scalar subquery: the
    hub page's figures then take one query however many there are."""
    grouped = (queryset.filter(hub=OuterRef("pk")).order_by().values("hub")
               .annotate(value=aggregate).values("value"))
    return Coalesce(Subquery(grouped), 0)


def hub_year(*, hub: AuthorisedHub, fiscal_year: int, today: date | None = None) -> dict:
    """A hub's figures for a fiscal year to date, in one query: the figures a bureau may see
    on the hub page (the caller authorised VIEW_AGGREGATES there)."""
    today = today or fiscal.today()
    start, end = fiscal.fiscal_year_start(fiscal_year), fiscal.fiscal_year_end(fiscal_year)
    period = {"start": start, "end": end, "hub_ids": hub.ids}
    # Sessions and cases opened from the tallies (a fiscal year is whole months).
    tallied, depth = case_tallies(**period), case_tally_sums()
    referrals, answers = referrals_due(as_of=today, **period), satisfaction_answers(**period)
    follow, satisfaction = follow_up_counts(), satisfaction_counts()
    counts = {
        "sessions": _per_hub(session_tallies(**period), Sum("sessions")),
        "expert_sessions": _per_hub(expert_sessions(sessions_held(**period)),
                                    Count("*")),  # index-only
        "new_clients": _per_hub(client_tallies(**period), Sum("clients")),
        "due": _per_hub(referrals, follow["due"]),
        "followed": _per_hub(referrals, follow["followed"]),
        "opened": _per_hub(tallied, depth["opened"]), "expert": _per_hub(tallied, depth["expert"]),
        "answers": _per_hub(answers, satisfaction["n"]),
        "satisfied": _per_hub(answers, satisfaction["satisfied"])}
    # Prefixed: the hub's reverse relations (its sessions, say) own the plain names.
    found = Hub.objects.filter(pk=hub.hub.pk).values(**{f"f_{k}": v for k, v in counts.items()})
    row = {k[2:]: v for k, v in found.get().items()}
    return {"sessions": row["sessions"], "expert_sessions": row["expert_sessions"],
            "new_clients": row["new_clients"],
            "referrals_due": row["due"], "referrals_followed": row["followed"],
            "follow_up_rate": rate(row["followed"], row["due"]),
            "cases_opened": row["opened"], "expert_share": expert_share(row["expert"],
                                                                        row["opened"]),
            "satisfaction": {"n": row["answers"],
                             "withheld": satisfaction_withheld(row["answers"]),
                             "share_satisfied": satisfaction_rate(row["satisfied"],
                                                                  row["answers"]),
                             "min_answers": min_answers()}}
