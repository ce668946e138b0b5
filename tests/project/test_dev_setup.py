"""The development setup of the README's Quick start: `make run` serves the app and a real
worker; Ctrl-C stops both once; emailed links point at the port being served; the development
server keeps no idle PostgreSQL connections."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/yorozu_settings_probe"


def _settings_value(module: str, expression: str, **env) -> str:
    """Evaluate an expression on a settings module in a fresh interpreter, with env set."""
    code = f"import importlib; s = importlib.import_module({module!r}); print({expression})"
    environ = {**os.environ, "DATABASE_URL": POSTGRES_URL, "SECRET_KEY": "x" * 60,
               "ALLOWED_HOSTS": "yorozu.example.jp", "EMAIL_HOST": "mail.example.jp", **env}
    environ.pop("DB_CONN_MAX_AGE", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environ,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_development_server_keeps_no_persistent_postgres_connections():
    db = "s.DATABASES['default']"
    assert _settings_value("yorozu.settings.base", f"{db}['CONN_MAX_AGE']") == "0"


def test_an_empty_database_url_means_the_embedded_sqlite_database():
    engine = _settings_value("yorozu.settings.base", "s.DATABASES['default']['ENGINE']",
                             DATABASE_URL="")
    assert engine == "django.db.backends.sqlite3"


def test_production_keeps_persistent_connections_with_health_checks():
    db = "s.DATABASES['default']"
    value = _settings_value("yorozu.settings.production",
                            f"({db}['CONN_MAX_AGE'], {db}['CONN_HEALTH_CHECKS'])")
    assert value == "(600, True)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"make serve did not listen on {port} (exit code {process.poll()})")


def _group_environments(pgid: int) -> dict[str, dict[str, str]]:
    """command line -> environment of each process of the group (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, ProcessLookupError):
            continue
        found[cmdline] = dict(item.decode().split("=", 1) for item in environ if b"=" in item)
    return found


def _ctrl_c_as_in_a_terminal():
    # A shell started with SIGINT ignored cannot trap it (POSIX), and a test runner's worker
    # process may have it ignored (seen under pytest-xdist): start make as a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.real_worker
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process environments in /proc")
def test_make_serve_links_follow_the_port_and_ctrl_c_stops_once(tmp_path):
    port = _free_port()
    env = {**os.environ, "YOROZU_VAR_DIR": str(tmp_path)}
    # The embedded default of `make run` (SQLite and a filesystem queue) in a directory of its
    # own, so that this worker takes no job of the test run's or CI's broker.
    for name in ("SITE_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    for sub in ("celery/queue", "celery/processed", "mail"):
        (tmp_path / sub).mkdir(parents=True)
    make = subprocess.Popen(["make", "--no-print-directory", "serve", f"PORT={port}"],
                            cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=_ctrl_c_as_in_a_terminal)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(make.stdout), daemon=True)
    reader.start()
    try:
        _wait_for_port(port, make, seconds=90)
        processes = _group_environments(make.pid)
        servers = [e for cmd, e in processes.items() if "runserver" in cmd or "celery" in cmd]
        assert len(servers) >= 2, list(processes)
        assert {e.get("SITE_URL") for e in servers} == {f"http://127.0.0.1:{port}"}

        # Ctrl-C once the worker says it is ready, as a person would (on a busy machine its
        # pool can still be starting seconds after the web server answers).
        deadline = time.monotonic() + 90
        while not any(" ready." in line for line in list(lines)):
            assert time.monotonic() < deadline, "".join(lines)[-2000:]
            time.sleep(0.3)
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        try:
            # Seconds on an idle machine; the worker's pool children may still be importing
            # Django on a loaded one, and its warm shutdown waits for them.
            make.wait(timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail("make serve did not stop within 120 s of Ctrl-C:\n"
                        + "".join(lines)[-3000:] + f"\nstill running: "
                        f"{list(_group_environments(make.pid))}")
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
        reader.join(timeout=10)
    output = "".join(lines)
    assert "Segmentation fault" not in output
    assert output.count("Warm shutdown") <= 1, output[-2000:]
    assert not _group_environments(make.pid), "a process of make serve outlived Ctrl-C"
