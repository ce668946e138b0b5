"""A real Celery worker process runs a real job against the test database: once over the
default filesystem broker (what `make run` uses) and once over Redis (production)."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from hubs.models import Appointment, Hub
from hubs.roles import Role
from tests.conftest import TEST_REDIS_URL
from tests.hubs.factories import AppointmentFactory, UserFactory
from yorozu.core import fiscal

TASK = "hubs.tasks.access_sync_all"


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def running_worker(broker_url: str, var_dir: Path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yorozu.settings.base",
           "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": broker_url,
           "YOROZU_VAR_DIR": str(var_dir)}
    with open(var_dir / "worker.log", "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "yorozu", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


def _user_whose_term_ended_yesterday():
    """In their role group still, as if midnight passed while nobody used the system."""
    user = UserFactory()
    appointment = AppointmentFactory(user=user, role=Role.COORDINATOR,
                                     hub=Hub.objects.get(jis_code="13"))
    yesterday = fiscal.today() - timedelta(days=1)
    Appointment.objects.filter(pk=appointment.pk).update(starts_on=yesterday - timedelta(1),
                                                         ends_on=yesterday)
    type(user).objects.filter(pk=user.pk).update(access_synced_on=yesterday)
    assert user.groups.count() == 1
    return user


def _wait_for(condition, seconds: float, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"the job did not finish in {seconds}s; worker log:\n{log.read_text()[-3000:]}")


def _run_job_through(broker_url: str, transport_options: dict, tmp_path: Path, monkeypatch):
    user = _user_whose_term_ended_yesterday()
    # Celery prefers this variable to the broker given to the app (CI sets it to Redis).
    monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
    # Not the current app: the shared tasks of later tests in this thread must still be the
    # project's (mock.patch on them would otherwise patch this app's copy).
    client = Celery("test-client", broker=broker_url, set_as_current=False)
    client.conf.broker_transport_options = transport_options
    with running_worker(broker_url, tmp_path):
        client.send_task(TASK)
        _wait_for(lambda: user.groups.count() == 0, 60, tmp_path / "worker.log")
    log = (tmp_path / "worker.log").read_text()
    assert f"Task {TASK}" in log and "succeeded" in log


@pytest.mark.real_worker
def test_default_setup_runs_jobs_in_a_real_worker_over_the_filesystem(transactional_db,
                                                                      tmp_path, monkeypatch):
    queue = tmp_path / "celery" / "queue"
    queue.mkdir(parents=True)
    (tmp_path / "celery" / "processed").mkdir()
    # The same folders the worker derives from YOROZU_VAR_DIR, so both sides share one queue.
    options = {"data_folder_in": str(queue), "data_folder_out": str(queue),
               "processed_folder": str(tmp_path / "celery" / "processed"),
               "control_folder": str(tmp_path / "celery" / "control")}
    _run_job_through("filesystem://", options, tmp_path, monkeypatch)


@pytest.mark.real_worker
@pytest.mark.needs_redis
def test_worker_runs_a_job_from_redis(transactional_db, tmp_path, monkeypatch):
    import redis

    redis.Redis.from_url(TEST_REDIS_URL).flushdb()  # a database of its own, for tests only
    _run_job_through(TEST_REDIS_URL, {}, tmp_path, monkeypatch)
