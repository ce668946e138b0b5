"""Migrating a real database forward keeps every row.

The tree of BASE_COMMIT (the commit before plans, surveys and reports became apps of their
own, with their models moved by state-only migrations) is extracted with `git archive`, its
`migrate` and `seed_demo` fill a scratch PostgreSQL database, and then this tree's `migrate`
runs on the same database. Every table that existed before must hold exactly as many rows
afterwards: a migration that recreated a table, or a content type that was made anew instead
of renamed, would lose or add rows here.

Slow (two migrates and a seed, about two minutes): it runs the commands as a deploy would,
in subprocesses with the same Python."""

import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

pytestmark = [pytest.mark.needs_postgres, pytest.mark.long]

# The head of main when the evaluation app was split (git merge-base of that branch and main).
BASE_COMMIT = "117258487a4fde43d43542819602ad82dbfc3042"
REPO = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Content types that moved with their models: evaluation.<model> became <label>.<model>.
MOVED = {"plans": 5, "surveys": 5}
# Models added since BASE_COMMIT, by app: each adds its content type. plans: the draft's
# targets, priorities and collaborations (no default permissions); api: the users' tokens;
# notifications: the in-app notifications (their default four permissions each).
# consultations: the five tallies (sessions, sessions by topic, cases, clients, referrals) and
# the case-topic link table's own model (CaseTopic); its history table renamed with it keeps
# its content type, renamed, and gains permissions under the new names beside the old ones
# (Django renames content types, not permissions). surveys: the satisfaction answers' tally.
# outcomes: financial snapshots and milestones with their histories; selfstudy: self-study,
# narratives, documents; assessments: weights, evaluations, requests, actions, follow-ups,
# best practices (each with Django's four permissions). hubs: the permissions on a hub those
# three apps register (outcomes 1, selfstudy 2, assessments 4).
ADDED = {"plans": 3, "api": 1, "notifications": 1, "consultations": 6, "surveys": 1,
         "outcomes": 4, "selfstudy": 3, "assessments": 6}
PERMISSIONS_ADDED = {"api": 4, "notifications": 4, "consultations": 28, "surveys": 4,
                     "outcomes": 16, "selfstudy": 12, "assessments": 24, "hubs": 7}
# The role groups' grants of those new hub permissions, made after the migrate: HQ's two
# everywhere (view_self_study, view_assessment), and the demo's hub and bureau groups' on
# their hubs (self-study 51, the bureau's outcome figures 47, the evaluation's four 74).
GRANTS_ADDED = {"auth_group_permissions": 2, "hubs_hubgroupobjectpermission": 172}
# Tables renamed with their model: {old name: new name}; their rows are counted under both.
RENAMED = {"consultations_historicalcase_topics": "consultations_historicalcasetopic"}


def _base_tree(into: Path) -> None:
    """Writes BASE_COMMIT's files into `into`, or skips (fails in CI) without the history."""
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{BASE_COMMIT}^{{commit}}"],
                           cwd=REPO, capture_output=True, text=True)
    if found.returncode != 0:
        reason = (f"git history without commit {BASE_COMMIT} (a shallow clone?): "
                  "fetch the full history (git fetch --unshallow) to run this test")
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    archive = into.parent / "base.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", BASE_COMMIT], cwd=REPO, stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")


def _conninfo(dbname: str) -> dict:
    db = settings.DATABASES["default"]
    return {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432,
            "user": db["USER"], "password": db["PASSWORD"] or None, "dbname": dbname}


def _database_url(dbname: str) -> str:
    info = _conninfo(dbname)
    password = f":{info['password']}" if info["password"] else ""
    return f"postgres://{info['user']}{password}@{info['host']}:{info['port']}/{dbname}"


def _query(dbname: str, sql: str) -> list[tuple]:
    conn = psycopg2.connect(**_conninfo(dbname))
    conn.autocommit = True  # CREATE and DROP DATABASE refuse a transaction
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def _admin(sql: str) -> None:
    _query("postgres", sql)


def _manage(tree: Path, var: Path, dbname: str, *args: str) -> None:
    """Runs `manage.py <args>` of `tree` on the scratch database, with the base settings a
    deploy uses (no test settings, no broker: a filesystem queue under `var`)."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="yorozu.settings.base", DATABASE_URL=_database_url(dbname),
               YOROZU_VAR_DIR=str(var), PYTHONPATH=str(tree))
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (f"manage.py {' '.join(args)} in {tree} failed:\n"
                                  f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def _compile_messages(tree: Path) -> None:
    # seed_demo writes Japanese labels through gettext: the .mo files are built, not committed.
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "compile", "-d", "yorozu/locale", "-D", "django"], cwd=tree,
                   check=True, capture_output=True)


def _row_counts(dbname: str) -> dict[str, int]:
    """Exact counts (count(*), not the planner's estimates) of every table."""
    tables = [name for (name,) in _query(
        dbname, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    union = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM \"{name}\"" for name in tables)
    return dict(_query(dbname, union))


def _applied(dbname: str) -> set[tuple]:
    return set(_query(dbname, "SELECT app, name FROM django_migrations"))


def _content_types(dbname: str) -> dict[str, int]:
    return dict(_query(
        dbname, "SELECT app_label, count(*) FROM django_content_type GROUP BY app_label"))


def test_migrating_the_base_commits_database_forward_keeps_every_row():
    dbname = f"yorozu_migtest_{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="yorozu-base-") as tmp:
        base, var = Path(tmp) / "tree", Path(tmp) / "var"
        base.mkdir()
        for folder in ("mail", "celery/queue", "celery/processed"):
            (var / folder).mkdir(parents=True)
        _base_tree(base)
        _compile_messages(base)
        _admin(f'DROP DATABASE IF EXISTS "{dbname}"')
        _admin(f'CREATE DATABASE "{dbname}"')
        try:
            _manage(base, var, dbname, "migrate", "--noinput")
            _manage(base, var, dbname, "seed_demo")
            before, applied_before = _row_counts(dbname), _applied(dbname)
            before = {RENAMED.get(table, table): count for table, count in before.items()}
            _manage(REPO, var, dbname, "migrate", "--noinput")
            after, applied_after = _row_counts(dbname), _applied(dbname)
            content_types = _content_types(dbname)
        finally:
            _admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    assert before["evaluation_annualplan"] > 0 and before["evaluation_satisfactionresponse"] > 0
    # django_migrations gains the new migrations' rows and loses none.
    assert applied_before < applied_after
    grown = {"django_content_type": sum(ADDED.values()),
             "auth_permission": sum(PERMISSIONS_ADDED.values()), **GRANTS_ADDED}
    changed = {table: (count, after.get(table)) for table, count in before.items()
               if after.get(table) != count + grown.get(table, 0)
               and table != "django_migrations"}
    assert not changed, f"rows (before, after) changed by migrating forward: {changed}"
    # The moved models' content types were renamed, not made anew beside the old ones.
    for label, models in MOVED.items():
        assert content_types.get(label) == models + ADDED.get(label, 0)
    # evaluation keeps its own eight: guideline, area, item, self-check, rating, hearing,
    # score, hearing event.
    assert content_types["evaluation"] == 8
