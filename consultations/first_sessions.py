"""Each client's first session (Client.first_session_on), kept with the sessions. "New
clients" (evaluation/figures.py) counts clients by it: finding every client's earliest
session at each page view does not scale to millions of sessions (seconds per national
dashboard), reading an indexed date does.

Every ORM save or delete of a session refreshes its client (the signals below, connected in
apps.py), whatever the path: services, the quick log, the admin. Writes that bypass the ORM's
save (bulk imports, demo and scale seeding) call `first_sessions_refresh` or
`first_sessions_rebuild` themselves. The refresh recounts from the sessions, so it is exact
however often it runs."""

from django.db import transaction
from django.db.models import Min, OuterRef, Subquery

from .models import Case, Client, Session


@transaction.atomic  # its own when a session was saved outside one (autocommit)
def first_sessions_refresh(*, client_ids) -> None:
    ids = sorted({pk for pk in client_ids if pk is not None})
    if not ids:
        return
    # The clients' rows are locked first: a concurrent session save for the same client waits
    # here, and its recount (a later statement) then sees this transaction's session too.
    list(Client.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    Client.objects.filter(pk__in=ids).update(first_session_on=_first_session())


def first_sessions_rebuild(*, hub_ids=None) -> None:
    """Every client's (or every client of `hub_ids`'): after a bulk load."""
    clients = Client.objects.all() if hub_ids is None else Client.objects.filter(
        hub__in=hub_ids)
    clients.update(first_session_on=_first_session())


def _first_session():
    earliest = (Session.objects.filter(case__client=OuterRef("pk")).order_by()
                .values("case__client").annotate(first=Min("held_on")).values("first"))
    return Subquery(earliest)


def _clients_of(session: Session) -> list[int]:
    case_ids = {session.case_id, getattr(session, "loaded_case_id", None)} - {None}
    if len(case_ids) == 1 and "case" in session._state.fields_cache:
        return [session.case.client_id]
    return list(Case.objects.filter(pk__in=case_ids).values_list("client_id", flat=True))


def session_saved(sender, instance: Session, **kwargs) -> None:
    first_sessions_refresh(client_ids=_clients_of(instance))
    instance.loaded_case_id = instance.case_id


def session_deleted(sender, instance: Session, **kwargs) -> None:
    first_sessions_refresh(client_ids=_clients_of(instance))
