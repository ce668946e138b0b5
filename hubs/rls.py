"""The second wall: PostgreSQL row-level security on hub-owned tables.

The scoping layer (hubs.scoping) is the first wall and the one every query is meant to go
through. This one holds when a query forgets it: while a request of a user who sees only some
hubs (or a job for one hub or one bureau) runs, the connection acts as the role `WALL_ROLE`, to
which PostgreSQL shows only rows of the hubs named in the setting `yorozu.hub_ids`, and refuses
writes of rows for any other hub. Everyone else (HQ, the system's own commands and periodic
tasks, the public single-use link pages, which find their row by its token) runs as the
connection's own role, which owns the tables and so is not subject to the policies.

Which tables: every model with a `hub` foreign key, and every model that hangs off such a
model by a required foreign key (a session's case, a hearing's scores), so the list grows with
the models. SQLite has no row-level security; there the scoping layer is the only wall.
"""

import contextlib
import contextvars
import logging

from django.apps import apps
from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

logger = logging.getLogger(__name__)

WALL_ROLE = "yorozu_hub_wall"
SETTING = "yorozu.hub_ids"
POLICY = "yorozu_hub_wall"
_VISIBLE = f"string_to_array(current_setting('{SETTING}', true), ',')::bigint[]"

# None: no wall (the connection's own role). A frozenset: the hubs the wall lets through.
_current: contextvars.ContextVar[frozenset[int] | None] = contextvars.ContextVar(
    "hub_wall", default=None)


def enabled(conn=connection) -> bool:
    return conn.vendor == "postgresql"


# --- Which tables, and the rule on each ----------------------------------------------------

def walled_models() -> dict:
    """{model: SQL condition on its rows}, for every hub-owned model and those hanging off one."""
    walled = {}
    for model in _concrete_models():
        field = _field(model, "hub")
        if field is not None and field.related_model._meta.label == "hubs.Hub":
            column = field.column
            rule = f"{column} = ANY ({_VISIBLE})"
            walled[model] = f"{column} IS NULL OR {rule}" if field.null else rule
    grew = True
    while grew:  # children of children (a plan version's notifications)
        grew = False
        for model in _concrete_models():
            if model in walled:
                continue
            parent_fk = _required_fk_to(model, walled)
            if parent_fk is not None:
                parent = parent_fk.related_model._meta
                walled[model] = (f"EXISTS (SELECT 1 FROM {_q(parent.db_table)} AS parent "
                                 f"WHERE parent.{_q(parent.pk.column)} = {_q(parent_fk.column)})")
                grew = True
    return walled


def _concrete_models():
    return [m for m in apps.get_models()
            if not m._meta.proxy and not m._meta.auto_created and m._meta.managed]


def _field(model, name):
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return None
    return field if field.many_to_one else None


def _required_fk_to(model, walled):
    for field in model._meta.concrete_fields:
        if field.many_to_one and not field.null and field.related_model in walled:
            return field
    return None


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


# --- Installing it (after every migrate) ---------------------------------------------------

def installed(conn=connection) -> bool:
    """Whether every walled table carries the policy as the models now describe it (so that a
    test database's many flushes do not rebuild it each time)."""
    wanted = {m._meta.db_table for m in walled_models()}
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [WALL_ROLE])
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT tablename FROM pg_policies WHERE policyname = %s", [POLICY])
        have = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT count(*) FROM pg_class c WHERE c.relkind = 'r' AND "
                       "c.relnamespace = 'public'::regnamespace AND NOT "
                       "has_table_privilege(%s, c.oid, 'SELECT')", [WALL_ROLE])
        ungranted = cursor.fetchone()[0]
    return have == wanted and ungranted == 0


def install(conn=connection) -> int:
    """Creates the role, grants it the tables, and puts the policy on every walled table.
    Safe to repeat; returns how many tables carry the wall."""
    walled = walled_models()
    with conn.cursor() as cursor:
        # Only what is missing, so that a role an administrator created and granted
        # beforehand needs no CREATEROLE right here (docs/operations.md).
        cursor.execute(f"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{WALL_ROLE}') THEN
                CREATE ROLE {WALL_ROLE} NOLOGIN NOBYPASSRLS;
              END IF;
            -- Another test worker's database made it meanwhile (seen as either error).
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$""")
        cursor.execute(f"""
            DO $$ BEGIN
              IF NOT pg_has_role(current_user, '{WALL_ROLE}', 'MEMBER') THEN
                GRANT {WALL_ROLE} TO CURRENT_USER;
              END IF;
            END $$""")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {WALL_ROLE}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                       f"TO {WALL_ROLE}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public "
                       f"TO {WALL_ROLE}")
        for model, rule in walled.items():
            table = _q(model._meta.db_table)
            cursor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
            cursor.execute(f"CREATE POLICY {POLICY} ON {table} USING ({rule})")
    return len(walled)


# --- Raising it for a request or a job -----------------------------------------------------

@contextlib.contextmanager
def hub_wall(hub_ids):
    """Inside, the database shows only rows of `hub_ids` (an iterable of hub ids; None for no
    wall). Nested uses restore the outer wall on the way out."""
    token = enter(hub_ids)
    try:
        yield
    finally:
        leave(token)


def across_hubs():
    """Lowers the wall for a figure published across hubs by design: the national distribution
    of guideline levels that every hub sees beside its own, without hub names and only above
    the anonymity minimum. The scoping layer's decisions still apply; use it for nothing else
    (docs/architecture.md lists its uses)."""
    return hub_wall(None)


def enter(hub_ids) -> contextvars.Token:
    """hub_wall's first half, for a middleware that raises the wall in one hook and lowers it
    in another; hand the token to `leave`."""
    wall = None if hub_ids is None else frozenset(int(h) for h in hub_ids)
    token = _current.set(wall)
    _apply(wall)
    return token


def leave(token: contextvars.Token) -> None:
    _current.reset(token)
    _apply(_current.get())


def current():
    return _current.get()


def _apply(wall, conn=connection) -> None:
    """Sets (or clears) the wall on the open connection. Not through Django's cursor: it is
    connection state, like the time zone Django sets itself, and is not counted as a query.
    Issued on every change, never assumed: a rolled-back transaction takes a SET with it."""
    if not enabled(conn) or conn.connection is None:
        return  # a connection opened later gets it from `_on_connect`
    try:
        with conn.connection.cursor() as cursor:
            _set(cursor, wall)
    except DatabaseError:
        # An aborted transaction refuses every statement until it is rolled back; the next
        # wall change (at the latest the next request's) sets the state again.
        logger.warning("could not change the hub wall on an aborted transaction")


def _set(cursor, wall) -> None:
    if wall is None:
        cursor.execute(f"RESET ROLE; RESET {SETTING}")
    else:
        cursor.execute(f"SET ROLE {WALL_ROLE}; SELECT set_config(%s, %s, false)",
                       [SETTING, ",".join(str(h) for h in sorted(wall))])


@receiver(connection_created)
def _on_connect(sender, connection, **kwargs):
    # A connection opened (or reopened) inside a wall starts behind it.
    wall = _current.get()
    if wall is not None and enabled(connection):
        with connection.connection.cursor() as cursor:
            _set(cursor, wall)
