"""`make bench` and `make load` start gunicorn on a port of their own: a port already taken,
or a gunicorn that stops, is said plainly at once instead of a health check timing out a
minute later on someone else's server (yorozu/bench/run.py)."""

import socket
import sys

import pytest
from django.core.management.base import CommandError

from yorozu.bench import run


def test_a_port_in_use_is_named_before_gunicorn_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"Port {port} is in use"):
            run.Server(port=port, workers=1, log=tmp_path / "gunicorn.log")
    assert not (tmp_path / "gunicorn.log").exists()  # nothing was started


def test_a_server_that_stops_is_reported_with_the_end_of_its_log(monkeypatch, tmp_path):
    log, popen = tmp_path / "gunicorn.log", run.subprocess.Popen

    def stops_at_once(command, **kwargs):  # in gunicorn's place: writes a line and exits
        return popen(
            [sys.executable, "-c", "print('Error: could not import the application')"],
            **kwargs)

    monkeypatch.setattr(run.subprocess, "Popen", stops_at_once)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = run.Server(port=port, workers=1, log=log)
    with pytest.raises(CommandError, match="could not import the application"):
        server.wait(timeout=30)
