"""Counts per hub and month kept with the records they count: sessions per channel
(SessionTally) and cases opened per support depth (CaseTally). National and bureau figures
per month read a few hundred tally rows instead of scanning hundreds of thousands of records.

Kept like each client's first session (consultations/summaries.py, which explains when
each runs): every ORM save or delete of a session or case recounts the months it was and is
in; bulk writes call `tallies_refresh` or `tallies_rebuild`. A recount is exact however often
it runs, and a transaction-long lock per hub and month lets concurrent saves count each
other."""

import zlib
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from .models import Case, CaseTally, Session, SessionTally


@dataclass(frozen=True)
class Kept:
    source: type  # the records counted
    tally: type  # their tally
    day: str  # the records' date field, which decides the month
    key: str  # the field counted by, a column of both
    count: str  # the tally's count column


SESSIONS = Kept(Session, SessionTally, "held_on", "channel", "sessions")
CASES = Kept(Case, CaseTally, "opened_on", "depth", "cases")
KEPT = {Session: SESSIONS, Case: CASES}


def hub_case_total(*, hub_id: int) -> int:
    """Every case of a hub, whatever its date: the sum of its case tallies."""
    return CaseTally.objects.filter(hub_id=hub_id).aggregate(n=Sum("cases", default=0))["n"]


def month_of(day: date) -> date:
    return day.replace(day=1)


def _month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@transaction.atomic  # its own when a record was saved outside one (autocommit)
def tallies_refresh(kept: Kept, *, months) -> None:
    """Recounts each (hub id, a day of the month) in `months`."""
    for hub_id, month in sorted({(h, month_of(m)) for h, m in months if h and m}):
        _lock(kept, hub_id, month)
        kept.tally.objects.filter(hub_id=hub_id, month=month).delete()
        counts = (kept.source.objects.filter(hub_id=hub_id, **{
            f"{kept.day}__range": (month, _month_end(month))})
            .order_by().values(kept.key).annotate(n=Count("*")))
        kept.tally.objects.bulk_create(
            kept.tally(hub_id=hub_id, month=month, **{kept.key: row[kept.key],
                                                      kept.count: row["n"]})
            for row in counts)


def tallies_rebuild(*, hub_ids=None) -> None:
    """Every month of every hub (or of `hub_ids`), both tallies: after a bulk load."""
    for kept in KEPT.values():
        tallies, records = kept.tally.objects.all(), kept.source.objects.all()
        if hub_ids is not None:
            tallies, records = tallies.filter(hub__in=hub_ids), records.filter(hub__in=hub_ids)
        tallies.delete()
        rows = (records.order_by().annotate(month=TruncMonth(kept.day))
                .values("hub_id", "month", kept.key).annotate(n=Count("*")))
        kept.tally.objects.bulk_create(
            (kept.tally(hub_id=row["hub_id"], month=row["month"],
                        **{kept.key: row[kept.key], kept.count: row["n"]})
             for row in rows.iterator()), batch_size=5000)


def _lock(kept: Kept, hub_id: int, month: date) -> None:
    # Held until the transaction ends: a concurrent save in the same month waits, then its
    # recount (a later statement) sees this one's record. SQLite writes one at a time anyway.
    if connection.vendor == "postgresql":
        name = f"{kept.tally._meta.db_table}:{hub_id}:{month:%Y-%m}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])


def _months_of(kept: Kept, record) -> list[tuple]:
    return [(record.hub_id, getattr(record, kept.day)),
            getattr(record, "loaded_month", (None, None))]


def record_saved(sender, instance, **kwargs) -> None:
    kept = KEPT[sender]
    tallies_refresh(kept, months=_months_of(kept, instance))
    instance.loaded_month = (instance.hub_id, getattr(instance, kept.day))


def record_deleted(sender, instance, **kwargs) -> None:
    kept = KEPT[sender]
    tallies_refresh(kept, months=_months_of(kept, instance))
