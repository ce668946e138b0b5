"""The hub figures: the one definition of each count that the hub page, the plan dashboards,
the hearing's evidence pack and the Excel reports show. Each of those groups these querysets
as it needs (by hub, by month, for a year), always in the database; nothing here loops over
records, and nothing else defines these figures again.

- Sessions handled (相談対応件数): sessions held in the period (`held_on`, a Tokyo date).
- New clients (新規相談者数): clients whose first consultation, the earliest session of any
  of their cases, was held in the period. A returning client is not new again; a client on
  record with no session yet is not counted until the first one. Not the record's creation
  date, because records are entered late and imported in bulk; not the first case's opening,
  because a case can be opened before anyone has been consulted.
- Follow-up rate (フォローアップ率): of the referrals whose follow-up date falls in the
  period and has come (on or before the day of counting), the share reported back or closed.
  A referral not yet due is not counted against the hub.

The hub of a record is its own `hub` column (a client's, a session's, a referral's).
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from yorozu.core import fiscal

from .models import Case, Client, Referral, Session

FOLLOWED_UP = (Referral.Status.REPORTED, Referral.Status.CLOSED)


def scoped(queryset: QuerySet, hub_ids: Iterable[int] | None) -> QuerySet:
    """The queryset limited to `hub_ids` (None: every hub)."""
    return queryset if hub_ids is None else queryset.filter(hub__in=sorted(hub_ids))


def sessions_held(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    return scoped(Session.objects, hub_ids).filter(held_on__range=(start, end))


def new_clients(*, start: date, end: date, hub_ids: Iterable[int] | None = None):
    """Clients whose first session was held in [start, end], each annotated with that date
    (`first_held_on`), by which callers group them into months."""
    first = (Session.objects.filter(case__client=OuterRef("pk"))
             .order_by("held_on").values("held_on")[:1])
    # Only clients consulted in the period can be new in it: found through the indexed
    # Session(hub, held_on) scan, so the first-session lookup runs for those few alone rather
    # than for every client the hub ever had.
    consulted = sessions_held(start=start, end=end, hub_ids=hub_ids).values("case__client_id")
    return (scoped(Client.objects, hub_ids).filter(pk__in=consulted)
            .annotate(first_held_on=Subquery(first))
            .filter(first_held_on__range=(start, end)))


def referrals_due(*, start: date, end: date, as_of: date,
                  hub_ids: Iterable[int] | None = None):
    """Referrals whose follow-up date is in [start, end] and not after `as_of`."""
    return scoped(Referral.objects, hub_ids).filter(
        follow_up_due__range=(start, min(end, as_of)))


def follow_up_counts() -> dict[str, Count]:
    """Aggregates over `referrals_due`: how many were due, how many were followed up."""
    return {"due": Count("pk"), "followed": Count("pk", filter=Q(status__in=FOLLOWED_UP))}


def rate(part: int, whole: int) -> float | None:
    """A percentage to one decimal, as every page and file shows it; None with nothing to rate."""
    return round(100 * part / whole, 1) if whole else None


def hub_year(*, hub, fiscal_year: int, today: date | None = None) -> dict:
    """A hub's figures for a fiscal year to date, in three queries: the counts a bureau may
    see on the hub page."""
    today = today or fiscal.today()
    start, end = fiscal.fiscal_year_start(fiscal_year), fiscal.fiscal_year_end(fiscal_year)
    sessions = sessions_held(start=start, end=end, hub_ids=[hub.pk]).aggregate(
        total=Count("pk"), expert=Count("pk", filter=Q(case__depth=Case.Depth.EXPERT)))
    follow = referrals_due(start=start, end=end, as_of=today, hub_ids=[hub.pk]).aggregate(
        **follow_up_counts())
    return {"sessions": sessions["total"], "expert_sessions": sessions["expert"],
            "new_clients": new_clients(start=start, end=end, hub_ids=[hub.pk]).count(),
            "referrals_due": follow["due"], "referrals_followed": follow["followed"],
            "follow_up_rate": rate(follow["followed"], follow["due"])}
