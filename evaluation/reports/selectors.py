"""Reads for the reports. Every figure is a database aggregate (COUNT, AVG, GROUP BY): the
reports never loop over sessions, cases or referrals in Python, so a file costs a handful of
queries whatever the size of the hubs' history. Sessions per month and channel, per topic and
channel, and cases opened per depth are read from the tallies kept with the records
(consultations/tallies.py, equal to a recount by its tests): a report's periods are whole
months.

Definitions (the workbooks' notes repeat them for readers):
- A session belongs to the month of its date (held_on, a Tokyo calendar date).
- A new client, the follow-up rate, the expert share and satisfaction are those of
  evaluation/figures.py, as on every page: a client whose first session was held in the
  period; of the referrals whose follow-up date falls in the period and not after the day the
  report was built, the share reported back or closed; of the cases opened in the period, the
  share of expert proposals; of the survey answers of the period, the share satisfied (4 or
  5 overall), withheld below the minimum number of answers.
- A referral is made on the Tokyo date of its creation (created_at is stored in UTC, so the
  period's bounds are Tokyo midnights).
- Of those referrals, lapsed means given up, overdue means still waiting for the agency
  (sent, acknowledged or acting) with the follow-up date before the day the report was built.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, Q, Sum

from consultations.models import Case, Referral, Session, Topic
from evaluation import figures
from hubs.access import AuthorisedHub
from hubs.models import Hub
from yorozu.core import fiscal
from yorozu.jobs.models import Job

WAITING = (Referral.Status.SENT, Referral.Status.ACKNOWLEDGED, Referral.Status.ACTING)
CHANNELS = list(Session.Channel.values)
RECENT_JOBS = 10
# The first fiscal year of the yorozu support hubs: the national page offers no earlier one.
FIRST_FISCAL_YEAR = 2014


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def dates(self) -> tuple[date, date]:
        return self.start, self.end

    def tokyo_bounds(self) -> tuple[datetime, datetime]:
        """The period as instants: Tokyo midnight of its first day up to (excluding) Tokyo
        midnight after its last."""
        tokyo = ZoneInfo(settings.TIME_ZONE)
        return (datetime.combine(self.start, time.min, tzinfo=tokyo),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tokyo))


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(start, following - timedelta(days=1))


def fiscal_period(fiscal_year: int) -> Period:
    return Period(fiscal.fiscal_year_start(fiscal_year), fiscal.fiscal_year_end(fiscal_year))


def fiscal_months(fiscal_year: int) -> list[date]:
    """The first days of the twelve months, April first."""
    return [date(fiscal_year + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]


def previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


# --- Pages -----------------------------------------------------------------------------------
def report_months(*, today: date) -> list[date]:
    """The months a hub report can be asked for, newest first: this fiscal year's so far, and
    in April the whole of the year just ended too (last month is then in it)."""
    last_month = previous_month(today)
    first = fiscal.fiscal_year_start(fiscal.fiscal_year_of(last_month))
    months, month = [], today.replace(day=1)
    while month >= first:
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return months


def report_years(*, today: date) -> list[int]:
    return list(range(fiscal.fiscal_year_of(today), FIRST_FISCAL_YEAR - 1, -1))


def report_jobs(*, kind: str, hub: AuthorisedHub | None = None):
    """The latest report jobs of a kind at a hub (or, without one, the national ones: the
    caller checked the kind's permission at every hub). The hub comes authorised for the
    kind's permission, which is what lets a user see these jobs (yorozu/jobs/selectors.py),
    so the filter here is the hub alone."""
    jobs = Job.objects.filter(kind=kind, hub=hub.hub) if hub else Job.objects.filter(
        kind=kind, scope=Job.Scope.NATIONAL)
    return list(jobs.select_related("started_by", "hub").order_by("-created_at", "-pk")
                [:RECENT_JOBS])


# --- Shared building blocks ------------------------------------------------------------------
# Without a hub: every hub, for the national roll-up (a kind only HQ may ask for or read).
def _ids(hub: AuthorisedHub | None) -> list[int] | None:
    return None if hub is None else hub.ids


def _sessions(period: Period, hub: AuthorisedHub | None = None):
    return figures.sessions_held(start=period.start, end=period.end, hub_ids=_ids(hub))


def _new_clients(period: Period, hub: AuthorisedHub | None = None):
    """The period's new clients per hub (rows of `hub_id` and `n`), from their tally."""
    return (figures.client_tallies(start=period.start, end=period.end, hub_ids=_ids(hub))
            .order_by().values("hub_id").annotate(n=Sum("clients")).order_by())


def _referrals_due(period: Period, as_of: date, hub: AuthorisedHub | None = None):
    return figures.referrals_due(start=period.start, end=period.end, as_of=as_of,
                                 hub_ids=_ids(hub))


def _follow_up(as_of: date) -> dict:
    """Aggregates over `_referrals_due`: due and followed (the rate's two terms), lapsed and
    overdue."""
    return {**figures.follow_up_counts(),
            "lapsed": Count("pk", filter=Q(status=Referral.Status.LAPSED)),
            "overdue": Count("pk", filter=Q(status__in=WAITING, follow_up_due__lt=as_of))}


def _satisfaction_answers(period: Period, hub: AuthorisedHub | None = None):
    return figures.satisfaction_answers(start=period.start, end=period.end, hub_ids=_ids(hub))


def _satisfaction() -> dict:
    return {**figures.satisfaction_counts(), "average": Avg("overall")}


def shown_satisfaction(counts: dict) -> dict | None:
    """Satisfaction figures, or None when too few answers could point at one client. The
    share is a fraction for a percent cell, unrounded (the cell's format rounds it)."""
    if figures.satisfaction_rate(counts["satisfied"], counts["n"]) is None:
        return None
    return {**counts, "share": counts["satisfied"] / counts["n"]}


# --- The hub's monthly report ----------------------------------------------------------------
def session_channel_counts(*, hub: AuthorisedHub, period: Period) -> dict:
    """{"total": sessions, channel: sessions, ...}: each session once. Read from the tally kept
    with the sessions (a report's period is a whole month)."""
    counts = dict.fromkeys(CHANNELS, 0)
    tallies = figures.session_tallies(start=period.start, end=period.end, hub_ids=hub.ids)
    for row in tallies.order_by().values("channel").annotate(n=Sum("sessions")):
        counts[row["channel"]] = row["n"]
    return {"total": sum(counts.values()), **counts}


def hub_month_summary(*, hub: AuthorisedHub, period: Period, as_of: date,
                      sessions: dict) -> dict:
    """The summary sheet's figures; `sessions` are the month's session_channel_counts."""
    ended = (Case.objects.filter(hub=hub.hub, closed_on__range=period.dates)
             .aggregate(resolved=_closed_as(Case.Status.RESOLVED),
                        closed=_closed_as(Case.Status.CLOSED)))
    opened = figures.cases_by_month(start=period.start, end=period.end, hub_ids=hub.ids)
    depth = next(iter(opened), {"opened": 0, "expert": 0})
    start, end = period.tokyo_bounds()
    referrals_made = Referral.objects.filter(hub=hub.hub, created_at__gte=start,
                                             created_at__lt=end).count()
    follow_up = _referrals_due(period, as_of, hub).aggregate(**_follow_up(as_of))
    satisfaction = _satisfaction_answers(period, hub).aggregate(**_satisfaction())
    new_clients = next(iter(_new_clients(period, hub)), {"n": 0})["n"]
    return {"sessions": sessions, "new_clients": new_clients,
            "cases": {"opened": depth["opened"], **ended},
            "referrals_made": referrals_made, "follow_up": follow_up,
            "expert_share": figures.expert_share(depth["expert"], depth["opened"]),
            "satisfaction": satisfaction}


def _closed_as(status: str) -> Count:
    return Count("pk", filter=Q(status=status))


def topic_channel_counts(*, hub: AuthorisedHub,
                         period: Period) -> dict[tuple[int | None, str], int]:
    """{(topic id, channel): sessions}: a session counts once per topic of its case; a case
    without topics gives topic None. Read from the tally kept with the sessions."""
    rows = (figures.session_topic_tallies(start=period.start, end=period.end, hub_ids=hub.ids)
            .order_by().values_list("topic_id", "channel").annotate(n=Sum("sessions")))
    return {(topic, channel): n for topic, channel, n in rows}


def topics_for_report(topic_ids) -> list[Topic]:
    """Topics in use, and any retired topic that still has sessions in the period."""
    return list(Topic.objects.filter(Q(is_active=True) | Q(pk__in=[t for t in topic_ids if t]))
                .order_by("sort_order", "code"))


def coordinator_counts(*, hub: AuthorisedHub, period: Period) -> list[dict]:
    """Per coordinator present: sessions in all, and per channel. A session with two
    coordinators counts for each; a session logged with nobody present counts for nobody."""
    return list(_sessions(period, hub).filter(coordinators__isnull=False)
                .values("coordinators", "coordinators__family_name", "coordinators__given_name")
                .annotate(total=Count("*"),
                          **{ch: Count("pk", filter=Q(channel=ch)) for ch in CHANNELS})
                .order_by("-total", "coordinators__family_name", "coordinators"))


# --- The national fiscal-year roll-up --------------------------------------------------------
def national_detail_rows(*, period: Period, hubs: list[Hub],
                         topics: list[Topic]) -> list[tuple]:
    """(hub id, month, topic id, channel, sessions) for each combination that has sessions, in
    file order: hubs by code, months, topics in their order (None last), channels. Read from
    the tally kept with the sessions and their cases' topics: at most hubs × months × topics ×
    channels rows (34 k for the nation's year at 5 M sessions, the same at 50 M), so they are
    held and sorted here, which the database would do no faster."""
    rows = list(figures.session_topic_tallies(start=period.start, end=period.end)
                .values_list("hub_id", "month", "topic_id", "channel", "sessions"))
    code = {hub.pk: hub.jis_code for hub in hubs}
    order = {topic.pk: (0, topic.sort_order, topic.pk) for topic in topics}
    rows.sort(key=lambda r: (code[r[0]], r[1], order.get(r[2], (1, 0, 0)), r[3]))
    return rows


def hubs_in_order():
    return list(Hub.objects.order_by("jis_code"))


def national_hub_figures(*, period: Period, as_of: date) -> dict[str, dict]:
    """Per hub id: sessions per month, new clients, follow-up and satisfaction counts."""
    months = figures.sessions_by_month(start=period.start, end=period.end)
    new_clients = _new_clients(period)
    follow_up = (_referrals_due(period, as_of).values("hub_id")
                 .annotate(**_follow_up(as_of)).order_by())
    satisfaction = (_satisfaction_answers(period).values("hub_id")
                    .annotate(**_satisfaction()).order_by())
    return {
        "months": {(r["hub_id"], r["month"]): r["n"] for r in months},
        "new_clients": {r["hub_id"]: r["n"] for r in new_clients},
        "follow_up": {r["hub_id"]: r for r in follow_up},
        "satisfaction": {r["hub_id"]: r for r in satisfaction},
    }
