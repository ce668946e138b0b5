"""Sessions per hub, month, topic of their case and channel (SessionTopicTally), kept by
difference: a save adds what it changed to the tally rows it touches, instead of recounting
the month as the other tallies do (consultations/tallies.py). Recounting a month per topic
joins its every session to its case's topics: 90 ms for Tokyo's month at national scale,
too slow for each quick-log save; a difference is a few rows.

- A session saved, moved or deleted: -1 where it was counted (the row as stored before the
  write, read and locked then) and +1 where it is now, once per topic of its case (None for
  a case without topics).
- A case's topics added, removed or cleared: its sessions' counts under the topics it had
  taken away, and added under the topics it has.

Each difference is taken while the case's row is locked: a session saved to a case while its
topics change waits for the other write, and then reads what it left. Outside a transaction
(a save in autocommit, which cannot hold a lock) the months touched are recounted instead.
Bulk writes (the import, seeding) recount their months (`sessions_tallies_refresh`) or
rebuild; the tests compare the tally with a recount after every kind of write."""

from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from .models import Case, CaseTopic, Session, SessionTopicTally
from .tallies import SESSION_TOPICS, month_lock, month_of, tallies_refresh

Key = tuple  # (hub id, month, topic id or None, channel)
PENDING = "_topic_tally_pending"


# --- Sessions ----------------------------------------------------------------------------
def session_saving(sender, instance: Session, **kwargs) -> None:
    stored = None
    if instance.pk is not None:
        rows = Session.objects.filter(pk=instance.pk)
        if connection.in_atomic_block:
            rows = rows.select_for_update()
        stored = rows.values("hub_id", "held_on", "channel", "case_id").first()
    setattr(instance, PENDING, stored)


def session_saved(sender, instance: Session, **kwargs) -> None:
    stored = getattr(instance, PENDING, None)
    now = {"hub_id": instance.hub_id, "held_on": instance.held_on,
           "channel": instance.channel, "case_id": instance.case_id}
    _apply_sessions(removed=[stored] if stored else [], added=[now])


def session_deleting(sender, instance: Session, **kwargs) -> None:
    session_saving(sender, instance)


def session_deleted(sender, instance: Session, **kwargs) -> None:
    stored = getattr(instance, PENDING, None)
    _apply_sessions(removed=[stored] if stored else [], added=[])


def _apply_sessions(*, removed: list[dict], added: list[dict]) -> None:
    sessions = removed + added
    if not connection.in_atomic_block:
        _recount(sessions)
        return
    topics = _topics_of(_locked_cases(session["case_id"] for session in sessions))
    difference = Counter()
    for sign, group in ((-1, removed), (1, added)):
        for session in group:
            for topic_id in topics[session["case_id"]] or [None]:
                difference[_key(session, topic_id)] += sign
    _apply(difference)


def _key(session: dict, topic_id) -> Key:
    return (session["hub_id"], month_of(session["held_on"]), topic_id, session["channel"])


def _recount(sessions: list[dict]) -> None:
    tallies_refresh(SESSION_TOPICS, months=[(s["hub_id"], s["held_on"]) for s in sessions])


# --- A case's topics ---------------------------------------------------------------------
def topics_changing(sender, instance, action: str, **kwargs) -> None:
    """Case.topics added, removed or cleared (from the case's side: simple-history records
    a case's topics from the case, and refuses a change from a topic's)."""
    if not isinstance(instance, Case):
        return
    if action in ("pre_add", "pre_remove", "pre_clear"):
        if connection.in_atomic_block:
            _locked_cases([instance.pk])
        setattr(instance, PENDING, _counted(instance.pk))
    elif action in ("post_add", "post_remove", "post_clear"):
        before, after = getattr(instance, PENDING), _counted(instance.pk)
        if connection.in_atomic_block:
            after.subtract(before)
            _apply(after)
        else:
            tallies_refresh(SESSION_TOPICS, months=[key[:2] for key in before | after])


def _counted(case_id: int) -> Counter:
    """What the case's sessions add to the tally now."""
    topics = _topics_of([case_id])[case_id] or [None]
    counted = Counter()
    rows = (Session.objects.filter(case=case_id).order_by()
            .annotate(month=TruncMonth("held_on")).values_list("hub_id", "month", "channel")
            .annotate(n=Count("*")))
    for hub_id, month, channel, n in rows:
        for topic_id in topics:
            counted[(hub_id, month, topic_id, channel)] += n
    return counted


# --- Shared ------------------------------------------------------------------------------
def _locked_cases(case_ids) -> list[int]:
    """Locks the cases' rows, in key order (as consultations/summaries.py does)."""
    ids = sorted({pk for pk in case_ids if pk is not None})
    list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    return ids


def _topics_of(case_ids) -> dict[int, list]:
    topics = defaultdict(list)
    for case_id, topic_id in CaseTopic.objects.filter(case__in=list(case_ids)).values_list(
            "case_id", "topic_id"):
        topics[case_id].append(topic_id)
    return topics


@transaction.atomic
def _apply(difference: Counter) -> None:
    """Adds each difference to its row, under the month's lock (the one a recount takes), in
    at most three statements whatever the number of rows: the decreases, the increases
    (a row made where there was none), and the rows that fell to nothing removed."""
    changed = {key: n for key, n in difference.items() if n}
    for hub_id, month in sorted({key[:2] for key in changed}):
        month_lock(SESSION_TOPICS, hub_id, month)
    fewer = [(*key, n) for key, n in changed.items() if n < 0]
    more = [(*key, n) for key, n in changed.items() if n > 0]
    table = connection.ops.quote_name(SessionTopicTally._meta.db_table)
    with connection.cursor() as cursor:
        if fewer:
            # Only rows that exist lose sessions; a VALUES list's columns are column1...
            cursor.execute(
                f"UPDATE {table} SET sessions = {table}.sessions + v.column5 "
                f"FROM (VALUES {_placeholders(fewer)}) AS v WHERE {table}.hub_id = v.column1 "
                f"AND {table}.month = v.column2 AND COALESCE({table}.topic_id, 0) = v.column3 "
                f"AND {table}.channel = v.column4", _params(fewer))
        if more:
            cursor.execute(
                f"INSERT INTO {table} (hub_id, month, topic_id, channel, sessions) "
                f"VALUES {_placeholders(more)} ON CONFLICT (hub_id, month, "
                "COALESCE(topic_id, 0), channel) DO UPDATE "
                f"SET sessions = {table}.sessions + excluded.sessions",
                [value for row in more for value in row])
    if fewer:
        months = {key[:2] for key in changed}
        SessionTopicTally.objects.filter(sessions=0).filter(
            _any_month(months)).delete()


def _placeholders(rows: list[tuple]) -> str:
    return ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))


def _params(rows: list[tuple]) -> list:
    # "No topic" as 0, the key the unique constraint gives it.
    return [value for hub_id, month, topic_id, channel, n in rows
            for value in (hub_id, month, topic_id or 0, channel, n)]


def _any_month(months) -> Q:
    found = Q(pk__in=[])
    for hub_id, month in months:
        found |= Q(hub_id=hub_id, month=month)
    return found
