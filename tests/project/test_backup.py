"""Backup and restore (yorozu/backup.py, `make backup`, `make restore`), and the restore drill
CI runs on PostgreSQL: a scratch database with this test's data is dumped with db_backup and
dropped, db_restore brings it back into a new database, and every table has the rows it had."""

import io
import os
import shutil
import stat
import subprocess
import uuid

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from consultations import retention
from consultations.models import ClientDataAction
from tests.consultations.test_retention import OLD, RECENT, _client_with_history


def _params(dbname: str) -> dict:
    db = connection.settings_dict
    found = {"dbname": dbname, "user": db.get("USER"), "password": db.get("PASSWORD"),
             "host": db.get("HOST"), "port": db.get("PORT")}
    return {k: v for k, v in found.items() if v}


def _execute(sql: str, *, dbname: str = "postgres") -> list:
    conn = connection.Database.connect(**_params(dbname))
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def _counts(dbname: str) -> dict[str, int]:
    tables = [name for (name,) in _execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        dbname=dbname)]
    union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
    return dict(_execute(union, dbname=dbname))


def _pg_env() -> dict:
    db = connection.settings_dict
    env = {**os.environ}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _copy_test_database(target: str, tmp_path) -> None:
    """The test database's tables, and every row this test's open transaction sees (the
    migrations' reference data and the factories' rows), copied into `target`."""
    schema = tmp_path / "schema.dump"
    for command in (["pg_dump", "--schema-only", "--format=custom", "--file", str(schema),
                     connection.settings_dict["NAME"]],
                    ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
                     "--dbname", target, str(schema)]):
        subprocess.run(command, env=_pg_env(), check=True, capture_output=True)
    tables = connection.introspection.table_names()
    conn = connection.Database.connect(**_params(target))
    try:
        with conn.cursor() as into, connection.cursor() as source:
            # Rows go in table by table in any order: foreign keys are not checked meanwhile.
            into.execute("SET session_replication_role = replica")
            for table in tables:
                rows = io.StringIO()
                source.cursor.copy_expert(f'COPY (SELECT * FROM "{table}") TO STDOUT', rows)
                rows.seek(0)
                into.copy_expert(f'COPY "{table}" FROM STDIN', rows)
        conn.commit()
    finally:
        conn.close()


@pytest.mark.needs_postgres
def test_restore_drill_every_row_comes_back(cast, tmp_path):
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "PostgreSQL client tools"
    for n in range(3):
        _client_with_history(cast, last_activity=RECENT, name=f"株式会社訓練{n}")
    retention.client_anonymise(client_ids=[_client_with_history(
        cast, last_activity=OLD, name="株式会社旧").pk], action=ClientDataAction.Action.EXPIRED)
    scratch = f"yorozu_drill_{uuid.uuid4().hex[:12]}"
    restored = f"{scratch}_restored"
    dump = tmp_path / "drill.dump"
    try:
        _execute(f'CREATE DATABASE "{scratch}"')
        _copy_test_database(scratch, tmp_path)
        before = _counts(scratch)
        assert before["consultations_client"] == 4 and before["hubs_hub"] == 47
        assert before["consultations_historicalclient"] == 8
        assert before["consultations_clientdataaction"] == 1

        call_command("db_backup", "--database-name", scratch, "--output", str(dump),
                     stdout=io.StringIO())
        assert stat.S_IMODE(dump.stat().st_mode) == 0o600  # clients' personal data
        _execute(f'DROP DATABASE "{scratch}"')
        call_command("db_restore", str(dump), "--database-name", restored, stdout=io.StringIO())

        assert _counts(restored) == before
    finally:
        for name in (scratch, restored):
            _execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.needs_postgres
def test_restoring_over_a_database_needs_clean_and_replaces_it(db, tmp_path):
    """`make restore` restores over the live database: refused without --clean, and with it
    the database ends up exactly as dumped."""
    target = f"yorozu_drill_{uuid.uuid4().hex[:12]}"
    dump = tmp_path / "test-db.dump"
    try:
        call_command("db_backup", "--output", str(dump), stdout=io.StringIO())
        call_command("db_restore", str(dump), "--database-name", target, stdout=io.StringIO())
        dumped = _counts(target)
        assert dumped["consultations_topic"] > 0
        _execute("TRUNCATE consultations_topic CASCADE", dbname=target)

        with pytest.raises(CommandError, match="not empty"):
            call_command("db_restore", str(dump), "--database-name", target)
        call_command("db_restore", str(dump), "--database-name", target, "--clean",
                     "--noinput", stdout=io.StringIO())

        assert _counts(target) == dumped
    finally:
        _execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_backup_needs_postgresql(monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "default",
                        {**settings.DATABASES["default"],
                         "ENGINE": "django.db.backends.sqlite3"})
    with pytest.raises(CommandError, match="need PostgreSQL"):
        call_command("db_backup")


def test_restore_asks_before_replacing_a_database(monkeypatch, tmp_path):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("db_restore", str(tmp_path / "x.dump"), "--clean")
