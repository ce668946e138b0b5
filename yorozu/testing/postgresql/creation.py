"""Test databases for pytest-xdist workers: migrated once, then copied.

Each worker needs its own test database (`test_<name>_gw0`, `_gw1`, ...). Migrating one from
scratch costs about 20 s of CPU; the workers of a run would each pay it at once, on the same
cores. Instead the first worker to come migrates a template database for the run
(`test_<name>_tpl_<run id>`), under a PostgreSQL advisory lock, and every worker copies it
with CREATE DATABASE ... TEMPLATE (well under a second). The copy holds all the migrate did:
tables, reference rows and the hub wall's grants and policies. conftest drops the run's
template when the run ends (drop_templates). Without xdist, nothing changes."""

import os

import psycopg2
from django.db.backends.postgresql import creation

# Any fixed number: the advisory lock that lets one worker migrate the template at a time.
LOCK_KEY = 7_204_117
# Rows in the tables kept through a flush (base.KEPT), by test database, as created: a
# connection made later (another thread's, Playwright's context) has a creation of its own.
KEPT_COUNTS: dict[str, tuple[int, ...]] = {}


def template_prefix(test_name: str) -> str:
    base = test_name.rsplit("_gw", 1)[0]
    return f"{base}_tpl_"


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        if not run_id or keepdb:
            name = super().create_test_db(verbosity, autoclobber, serialize, keepdb)
            KEPT_COUNTS[name] = self._count_kept()
            return name
        name = self._get_test_db_name()
        template = template_prefix(name) + run_id[:12]
        with self._admin() as admin, admin.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
            try:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
                if cursor.fetchone() is None:
                    self._migrate_template(template, verbosity)
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        self.connection.close()
        self.connection.settings_dict["NAME"] = name
        from django.conf import settings
        settings.DATABASES[self.connection.alias]["NAME"] = name
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        self.connection.ensure_connection()
        KEPT_COUNTS[name] = self._count_kept()
        return name

    def _count_kept(self) -> tuple[int, ...]:
        from .base import KEPT

        with self.connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(
                f"(SELECT count(*) FROM {self.connection.ops.quote_name(table)})"
                for table in sorted(KEPT)))
            return cursor.fetchone()

    def kept_intact(self) -> bool:
        """Whether the tables kept through a flush hold as many rows as the new test database
        did (yorozu/testing/management/commands/flush.py)."""
        counts = KEPT_COUNTS.get(self.connection.settings_dict["NAME"])
        return counts is not None and self._count_kept() == counts

    def _migrate_template(self, template: str, verbosity: int) -> None:
        """Django's own test database creation (migrate and its post_migrate handlers), under
        the template's name; the connection then lets go of it, as a template needs."""
        test_settings = self.connection.settings_dict["TEST"]
        original = test_settings.get("NAME")
        test_settings["NAME"] = template
        try:
            super().create_test_db(verbosity, autoclobber=True, serialize=False, keepdb=False)
        finally:
            test_settings["NAME"] = original
            self.connection.close()

    def _admin(self):
        """A connection of our own to the maintenance database (autocommit: CREATE DATABASE
        refuses a transaction), apart from Django's, which is being moved between databases."""
        params = self.connection.get_connection_params()
        params["dbname"] = "postgres"
        params.pop("options", None)
        conn = psycopg2.connect(**params)
        conn.autocommit = True
        return _Closing(conn)


class _Closing:
    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()


def drop_templates(settings_dict: dict, test_name: str) -> None:
    """Drops this checkout's run templates (called once the run's workers are done)."""
    params = {"host": settings_dict.get("HOST") or None, "port": settings_dict.get("PORT") or None,
              "user": settings_dict.get("USER") or None,
              "password": settings_dict.get("PASSWORD") or None, "dbname": "postgres"}
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                           [template_prefix(test_name).replace("_", r"\_") + "%"])
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()
