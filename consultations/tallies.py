"""Counts per hub and month kept with the records they count: sessions per channel (SessionTally),
sessions per topic of their case and channel (SessionTopicTally), cases opened per support
depth (CaseTally), referrals per month of their follow-up date and status (ReferralTally) and
new clients (ClientTally, by the first session day kept on each client:
consultations/summaries.py refreshes it where that day changes). National and bureau figures
per month read a few hundred tally rows instead of scanning hundreds of thousands of records.

Other apps keep theirs the same way (`keep`: satisfaction answers per overall score,
evaluation/surveys). Kept like each client's first session (consultations/summaries.py, which
explains when each runs): every ORM save or delete of a record kept recounts the months it was
and is in; bulk writes call `sessions_tallies_refresh`, `tallies_refresh` or `tallies_rebuild`.
A recount is exact however often it runs, and a transaction-long lock per hub and month lets
concurrent saves count each other. The tally per topic is the exception: recounting a large
hub's month per topic joins its sessions to their cases' topics (90 ms for Tokyo's month at
national scale), too slow for every save, so a single save adds its difference instead
(consultations/topic_tally.py); bulk writes recount it like the others."""

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from .models import (
    Case,
    CaseTally,
    CaseTopic,
    Client,
    ClientTally,
    Referral,
    ReferralTally,
    Session,
    SessionTally,
    SessionTopicTally,
)


@dataclass(frozen=True)
class Kept:
    source: type  # the records counted
    tally: type  # their tally
    day: str  # the records' date field, which decides the month
    key: str | None  # the field counted by, a column of both (None: by month alone)
    count: str  # the tally's count column

    def counts(self, records, *by: str) -> Iterator[dict]:
        """`records` counted per `by` (fields or annotations) and the key: the tally's
        fields of each row."""
        names = (*by, self.key) if self.key else by
        if not names:  # by month alone, within one month: a plain count
            found = records.count()
            yield from ([{self.count: found}] if found else [])
            return
        rows = records.order_by().values(*names).annotate(n=Count("*"))
        for row in rows.iterator():
            yield {**{name: row[name] for name in names}, self.count: row["n"]}


@dataclass(frozen=True)
class KeptByTopic(Kept):
    """Sessions counted per topic of their case as well (sessions_by_topic)."""

    def counts(self, records, *by: str) -> Iterator[dict]:
        names = (*by, self.key)
        for *values, topic_id, n in sessions_by_topic(records, *names):
            row = dict(zip(names, values, strict=True))
            if "month" in row:
                row["month"] = as_date(row["month"])
            yield {**row, "topic_id": topic_id, self.count: n}


SESSIONS = Kept(Session, SessionTally, "held_on", "channel", "sessions")
SESSION_TOPICS = KeptByTopic(Session, SessionTopicTally, "held_on", "channel", "sessions")
CASES = Kept(Case, CaseTally, "opened_on", "depth", "cases")
CLIENTS = Kept(Client, ClientTally, "first_session_on", None, "clients")
REFERRALS = Kept(Referral, ReferralTally, "follow_up_due", "status", "referrals")
# Recounted at each save or delete of a record of the kind (the signals below).
KEPT = {Session: SESSIONS, Case: CASES, Referral: REFERRALS}
# Rebuilt by tallies_rebuild; other apps add theirs with `keep`.
EVERY = [SESSIONS, SESSION_TOPICS, CASES, CLIENTS, REFERRALS]


def keep(kept: Kept) -> None:
    """Another app's records counted per hub and month as these are (the satisfaction
    answers: evaluation/surveys): recounted at each ORM save or delete, rebuilt with the rest
    after a bulk load. Called from the app's ready()."""
    from django.db.models.signals import post_delete, post_save

    KEPT[kept.source] = kept
    if kept not in EVERY:
        EVERY.append(kept)
    name = kept.source.__name__
    post_save.connect(record_saved, sender=kept.source, dispatch_uid=f"tallies.saved.{name}")
    post_delete.connect(record_deleted, sender=kept.source,
                        dispatch_uid=f"tallies.deleted.{name}")


def sessions_by_topic(sessions, *keys: str) -> list[tuple]:
    """`sessions` (a queryset) counted per `keys` (their columns or annotations) and topic of
    their case: rows of (*keys, topic id, n), a session once per topic of its case, topic None
    for a case without topics. The case's topics are joined by the session's own case_id: the
    ORM would reach them through the case table, and joining every case (1.28 M at national
    scale) cost as much again as the grouping itself (docs/performance.md)."""
    inner, params = sessions.order_by().values(*keys, "case_id").query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(f"s.{quote(key)}" for key in keys)
    links = quote(CaseTopic._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}, t.topic_id, COUNT(*) FROM ({inner}) s "
                       f"LEFT JOIN {links} t ON t.case_id = s.case_id "
                       f"GROUP BY {columns}, t.topic_id", params)
        return cursor.fetchall()


def as_date(value) -> date:
    # Through the ORM, TruncMonth of a DateField is a date on PostgreSQL and SQLite alike; read
    # by hand (sessions_by_topic) it is a timestamp on PostgreSQL and text on SQLite.
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


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
        month_lock(kept, hub_id, month)
        kept.tally.objects.filter(hub_id=hub_id, month=month).delete()
        records = kept.source.objects.filter(hub_id=hub_id, **{
            f"{kept.day}__range": (month, _month_end(month))})
        kept.tally.objects.bulk_create(kept.tally(hub_id=hub_id, month=month, **row)
                                       for row in kept.counts(records))


def sessions_tallies_refresh(*, months) -> None:
    """Every tally of the sessions, for each (hub id, a day of the month) in `months`."""
    for kept in (SESSIONS, SESSION_TOPICS):
        tallies_refresh(kept, months=months)


def tallies_rebuild(*, hub_ids=None) -> None:
    """Every month of every hub (or of `hub_ids`), every tally: after a bulk load."""
    for kept in EVERY:
        tallies, records = kept.tally.objects.all(), kept.source.objects.all()
        if hub_ids is not None:
            tallies, records = tallies.filter(hub__in=hub_ids), records.filter(hub__in=hub_ids)
        tallies.delete()
        dated = records.filter(**{f"{kept.day}__isnull": False})  # a client before its first
        rows = kept.counts(dated.annotate(month=TruncMonth(kept.day)), "hub_id", "month")
        kept.tally.objects.bulk_create((kept.tally(**row) for row in rows), batch_size=5000)


def month_lock(kept: Kept, hub_id: int, month: date) -> None:
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
