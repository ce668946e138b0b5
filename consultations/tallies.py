"""Sessions per hub, month and channel (SessionTally), kept with the sessions like each
client's first session (consultations/first_sessions.py, which explains when each runs):
every ORM save or delete of a session recounts the months it was and is in; bulk writes call
`tallies_refresh` or `tallies_rebuild`. A recount is exact however often it runs, and a
transaction-long lock per hub and month lets concurrent saves count each other."""

import zlib
from datetime import date

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from .models import Session, SessionTally


def month_of(day: date) -> date:
    return day.replace(day=1)


def _month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@transaction.atomic  # its own when a session was saved outside one (autocommit)
def tallies_refresh(*, months) -> None:
    """Recounts each (hub id, first day of month) in `months`."""
    for hub_id, month in sorted({(h, month_of(m)) for h, m in months if h and m}):
        _lock(hub_id, month)
        SessionTally.objects.filter(hub_id=hub_id, month=month).delete()
        counts = (Session.objects.filter(hub_id=hub_id, held_on__range=(month, _month_end(
            month))).order_by().values("channel").annotate(n=Count("*")))
        SessionTally.objects.bulk_create(
            SessionTally(hub_id=hub_id, month=month, channel=row["channel"], sessions=row["n"])
            for row in counts)


def tallies_rebuild(*, hub_ids=None) -> None:
    """Every month of every hub (or of `hub_ids`): after a bulk load."""
    tallies = SessionTally.objects.all()
    sessions = Session.objects.all()
    if hub_ids is not None:
        tallies, sessions = tallies.filter(hub__in=hub_ids), sessions.filter(hub__in=hub_ids)
    tallies.delete()
    rows = (sessions.order_by().annotate(month=TruncMonth("held_on"))
            .values("hub_id", "month", "channel").annotate(n=Count("*")))
    SessionTally.objects.bulk_create(
        (SessionTally(hub_id=row["hub_id"], month=row["month"], channel=row["channel"],
                      sessions=row["n"]) for row in rows.iterator()), batch_size=5000)


def _lock(hub_id: int, month: date) -> None:
    # Held until the transaction ends: a concurrent save in the same month waits, then its
    # recount (a later statement) sees this one's session. SQLite writes one at a time anyway.
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"session-tally:{hub_id}:{month:%Y-%m}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _months_of(session: Session) -> list[tuple]:
    return [(session.hub_id, session.held_on), getattr(session, "loaded_month", (None, None))]


def session_saved(sender, instance: Session, **kwargs) -> None:
    tallies_refresh(months=_months_of(instance))
    instance.loaded_month = (instance.hub_id, instance.held_on)


def session_deleted(sender, instance: Session, **kwargs) -> None:
    tallies_refresh(months=_months_of(instance))
