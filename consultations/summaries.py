"""What is kept of the sessions on their case and client: a case's number of sessions and the days
of its first and last (Case.session_count, Case.first_session_on, Case.last_session_on: the
case list shows and sorts by the count and the last day, and counts a period's cases by the two
days), a client's first session day (Client.first_session_on: "new clients",
evaluation/figures.py, counts by it, and the tally of new clients per month follows it),
whether each session's next step still stands (Session.step_stands: the follow-ups list) and
its case's depth (Session.case_depth: the hub page's sessions of expert cases, counted without
a join). Looking them up from the sessions at each page view does not scale to millions of
sessions (a subquery per row, seconds per national dashboard); reading a column does.

Every ORM save or delete of a session refreshes its case and client, and every save of a case
its sessions' steps and depth (the signals below, connected in apps.py), whatever the path:
services, the quick log, the admin. Writes that bypass the ORM's save (the import, demo and
scale seeding) call `summaries_refresh` or `summaries_rebuild` themselves. A refresh recounts
from the sessions, so it is exact however often it runs."""

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from .models import Case, Client, Session
from .tallies import CLIENTS, tallies_refresh


@transaction.atomic  # its own when a session was saved outside one (autocommit)
def summaries_refresh(*, case_ids) -> None:
    ids = sorted({pk for pk in case_ids if pk is not None})
    if not ids:
        return
    # The rows are locked first: a concurrent session save for the same case or client waits
    # here, and its recount (a later statement) then sees this transaction's session too.
    client_ids = sorted(set(Case.objects.select_for_update().filter(pk__in=ids)
                            .values_list("client_id", flat=True)))
    clients = Client.objects.filter(pk__in=client_ids)
    before = set(clients.select_for_update().values_list("hub_id", "first_session_on"))
    _refresh(Case.objects.filter(pk__in=ids), clients)
    _steps_refresh(Session.objects.filter(case__in=ids))
    # New clients per month: only where a client's first session day moved (rarely: most
    # sessions are not a client's first).
    moved = before ^ set(clients.values_list("hub_id", "first_session_on"))
    if moved:
        tallies_refresh(CLIENTS, months=moved)


def summaries_rebuild(*, hub_ids=None, case_depths: bool = True) -> None:
    """Every case and client (or those of `hub_ids`): after a bulk load. `case_depths=False`
    when the load wrote each session's case depth itself (seed_scale): an update of every
    session is then spared."""
    cases, clients = Case.objects.all(), Client.objects.all()
    sessions = Session.objects.all()
    if hub_ids is not None:
        cases, clients = cases.filter(hub__in=hub_ids), clients.filter(hub__in=hub_ids)
        sessions = sessions.filter(hub__in=hub_ids)
    _refresh(cases, clients)
    if case_depths:
        _case_depths_rebuild(hub_ids)
    # Only sessions with a next step can have one standing: the millions without are left
    # as they are unless marked.
    sessions.filter(next_step_due__isnull=True, step_stands=True).update(step_stands=False)
    _steps_refresh(sessions.filter(next_step_due__isnull=False))


def _steps_refresh(sessions) -> None:
    """A next step stands while its case is open and its session is on the case's last day
    (after the cases' last days are refreshed). The case's depth is copied in the same
    update (Session.case_depth): a session saved or moved, or its case saved, takes it."""
    of_case = Case.objects.filter(pk=OuterRef("case_id"))
    stands = ExpressionWrapper(Q(next_step_due__isnull=False) & Exists(of_case.filter(
        status=Case.Status.OPEN, last_session_on=OuterRef("held_on"))),
        output_field=BooleanField())
    depth = Subquery(of_case.values("depth"))
    # Only the rows that change are written: rewriting every session of a case at each save
    # cost a long case (hundreds of sessions) as many row writes.
    (sessions.filter(~Q(step_stands=stands) | ~Q(case_depth=depth))
     .update(step_stands=stands, case_depth=depth))


def _case_depths_rebuild(hub_ids) -> None:
    """Each session's case depth (of `hub_ids`, or all) from its case, in one UPDATE ...
    FROM: a join, where the ORM's update would look the case up once per session (millions
    after a bulk load). Sessions already right are not rewritten."""
    ids = None if hub_ids is None else sorted(hub_ids)
    if ids == []:
        return
    quote = connection.ops.quote_name
    of_hubs = "" if ids is None else f" AND s.hub_id IN ({', '.join(['%s'] * len(ids))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Session._meta.db_table)} AS s SET case_depth = c.depth "
            f"FROM {quote(Case._meta.db_table)} AS c "
            f"WHERE c.id = s.case_id AND s.case_depth <> c.depth{of_hubs}", ids or [])


def _refresh(cases, clients) -> None:
    of_case = Session.objects.filter(case=OuterRef("pk")).order_by().values("case")
    # A case without sessions has no row in the subquery: its count is 0, not NULL.
    cases.update(session_count=Coalesce(Subquery(of_case.annotate(n=Count("*")).values("n")),
                                        0),
                 first_session_on=Subquery(of_case.annotate(first=Min("held_on"))
                                           .values("first")),
                 last_session_on=Subquery(of_case.annotate(last=Max("held_on"))
                                          .values("last")))
    of_client = (Session.objects.filter(case__client=OuterRef("pk")).order_by()
                 .values("case__client").annotate(first=Min("held_on")).values("first"))
    clients.update(first_session_on=Subquery(of_client))


def session_saved(sender, instance: Session, **kwargs) -> None:
    summaries_refresh(case_ids=[instance.case_id, getattr(instance, "loaded_case_id", None)])
    instance.loaded_case_id = instance.case_id


def case_saved(sender, instance: Case, created: bool = False, **kwargs) -> None:
    # Closed or reopened: its sessions' next steps stop or start standing. A new case has no
    # session yet (the quick log's new cases skip the query).
    if not created:
        _steps_refresh(Session.objects.filter(case=instance.pk))


def session_deleted(sender, instance: Session, **kwargs) -> None:
    summaries_refresh(case_ids=[instance.case_id, getattr(instance, "loaded_case_id", None)])
