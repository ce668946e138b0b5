"""PostgreSQL backup and restore with the server's own tools (pg_dump, pg_restore), behind the
`db_backup` and `db_restore` commands (`make backup`, `make restore FILE=...`). The dump is
pg_dump's custom format: compressed, restorable table by table, and checked with pg_restore
--list before it is given its final name, so a file under that name is always whole.

The dumps hold every client's personal data: they are written readable by their owner only.
pg_dump must be of the server's major version or newer (docker-compose's `backup` service runs
the server's image for that reason; see docs/operations.md)."""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone


class BackupError(Exception):
    pass


def _database(name: str | None = None) -> dict:
    db = settings.DATABASES["default"]
    # Django's backend, or the test suite's own (yorozu.testing.postgresql), which is the same.
    if not db["ENGINE"].endswith(".postgresql"):
        raise BackupError("backup and restore need PostgreSQL (DATABASE_URL=postgres://...); "
                          "a SQLite database is one file under var/, copied while stopped")
    return {**db, "NAME": name or db["NAME"]}


def _env(db: dict) -> dict:
    """libpq's variables: the password never appears in a process listing."""
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _run(tool: str, args: list[str], db: dict, **kwargs) -> subprocess.CompletedProcess:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} not found: install PostgreSQL's client tools "
                          "(postgresql-client) of the server's major version")
    done = subprocess.run([path, *args], env=_env(db), capture_output=True, text=True,
                          check=False, **kwargs)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()}")
    return done


def default_path(name: str) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"{name}-{stamp}.dump"


def backup(*, output: Path | None = None, database: str | None = None) -> Path:
    """Dumps the database to `output` (default: var/backups/<name>-<time>.dump)."""
    db = _database(database)
    path = Path(output) if output else default_path(db["NAME"])
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".part")
    # Created owner-only before pg_dump writes into it (it keeps the mode).
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        _run("pg_dump", ["--format=custom", "--file", str(partial)], db)
        _run("pg_restore", ["--list", str(partial)], db)  # a cut-off file fails here
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _query(db: dict, sql: str, params=(), *, dbname: str | None = None):
    """One statement on its own autocommit connection (CREATE DATABASE needs one); returns the
    first row, if any. `dbname` defaults to the server's maintenance database."""
    params_ = {"dbname": dbname or "postgres", "user": db.get("USER"),
               "password": db.get("PASSWORD"), "host": db.get("HOST"), "port": db.get("PORT")}
    conn = connections["default"].Database.connect(**{k: v for k, v in params_.items() if v})
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None
    finally:
        conn.close()


def database_exists(name: str) -> bool:
    return _query(_database(name), "SELECT 1 FROM pg_database WHERE datname = %s",
                  [name]) is not None


def database_create(name: str) -> None:
    _query(_database(name), 'CREATE DATABASE "{}"'.format(name.replace('"', '""')))


def table_count(name: str) -> int:
    return _query(_database(name), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
                  dbname=name)[0]


def restore(*, path: Path, database: str | None = None, clean: bool = False) -> str:
    """Restores a dump into `database` (default: the configured one), creating it if it does
    not exist. A database that has tables is refused unless `clean` (its objects are dropped
    first, all in one transaction: a failed restore leaves it as it was)."""
    db = _database(database)
    if not Path(path).is_file():
        raise BackupError(f"no such file: {path}")
    if not database_exists(db["NAME"]):
        database_create(db["NAME"])
    elif table_count(db["NAME"]) and not clean:
        raise BackupError(f"database {db['NAME']} is not empty: restore into a new database, "
                          "or pass --clean to replace its contents")
    args = ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname", db["NAME"]]
    if clean:
        args += ["--clean", "--if-exists"]
    _run("pg_restore", [*args, str(path)], db)
    return db["NAME"]
