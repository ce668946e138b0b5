"""Behind the TLS proxy every connection comes from the proxy. The per-address limits (link
pages, login lockout) must count the visitor's address, which only a trusted proxy may tell
us in X-Forwarded-For; anyone else's header is ignored. The last tests go through a real
gunicorn, as in production."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from tests.conftest import PASSWORD
from tests.jobs.test_celery_worker import _database_url
from yorozu.net import client_ip

PROXY = "127.0.0.2"  # the trusted proxy of the gunicorn tests
STRANGER = "127.0.0.3"  # connects directly and claims to forward for others


def _request(remote_addr, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(_request("192.0.2.1", "203.0.113.9")) == "192.0.2.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_trusted_proxy_gives_the_address_it_saw():
    assert client_ip(_request("10.0.0.5", "203.0.113.9")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_an_untrusted_connection_cannot_claim_another_address():
    assert client_ip(_request("192.0.2.1", "203.0.113.9")) == "192.0.2.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_addresses_the_visitor_wrote_into_the_header_are_skipped():
    # The visitor sent "X-Forwarded-For: 198.51.100.1"; the proxy appended what it saw.
    request = _request("10.0.0.5", "198.51.100.1, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.5", "10.0.1.0/24"])
def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    request = _request("10.0.0.5", "198.51.100.1, 203.0.113.9, 10.0.1.7")
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_garbage_in_the_header_falls_back_to_the_last_good_hop():
    assert client_ip(_request("10.0.0.5", "not-an-address")) == "10.0.0.5"
    assert client_ip(_request("10.0.0.5", "")) == "10.0.0.5"
    assert client_ip(_request("10.0.0.5", "garbage, 10.0.0.9")) == "10.0.0.9"


def test_rate_limits_and_lockout_use_the_same_address():
    assert settings.RATELIMIT_IP_META_KEY == "yorozu.net.client_ip"
    assert settings.AXES_CLIENT_IP_CALLABLE == "yorozu.net.client_ip"


def test_a_bad_trusted_proxies_value_stops_the_start(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, proxy.example.jp")
    try:
        with pytest.raises(ImproperlyConfigured):
            importlib.reload(importlib.import_module("yorozu.settings.base"))
    finally:
        monkeypatch.delenv("TRUSTED_PROXIES")
        importlib.reload(importlib.import_module("yorozu.settings.base"))



def test_the_production_stack_trusts_only_the_proxy():
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "TRUSTED_PROXIES: ${TRUSTED_PROXIES:-172.30.255.0/24}" in compose
    assert "FORWARDED_ALLOW_IPS: ${TRUSTED_PROXIES:-172.30.255.0/24}" in compose
    assert "- subnet: 172.30.255.0/24" in compose
    # web publishes no port: only the proxy reaches it (tests/project/test_compose.py).
    assert "8000:8000" not in compose
    assert "forwarded-allow-ips" not in dockerfile


# --- Through gunicorn -------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One visitor's connection from a given source address, keeping the CSRF cookie."""

    def __init__(self, port: int, source: str, forwarded_for: str | None = None):
        self.port, self.source, self.forwarded_for = port, source, forwarded_for
        self.cookie = ""

    def request(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20,
                                          source_address=(self.source, 0))
        headers = {"Host": "127.0.0.1"}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookie:
            headers["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode(), response.getheader("Set-Cookie")
        finally:
            conn.close()

    def log_in(self, email: str, password: str) -> int:
        if not self.cookie:
            _, _, set_cookie = self.request("GET", "/accounts/login/")
            self.cookie = re.search(r"csrftoken=[^;]+", set_cookie).group(0)
        token = self.cookie.split("=", 1)[1]
        status, _, _ = self.request("POST", "/accounts/login/", {
            "username": email, "password": password, "csrfmiddlewaretoken": token})
        return status


def _wait_until_up(port: int, log: Path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Browser(port, "127.0.0.1").request("GET", "/healthz/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn did not start; log:\n{log.read_text()[-3000:]}")


@contextmanager
def running_gunicorn(tmp_path: Path, trusted_proxies: str):
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yorozu.settings.test",
           "DATABASE_URL": _database_url(), "YOROZU_VAR_DIR": str(tmp_path),
           "TRUSTED_PROXIES": trusted_proxies}
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        # One worker: the test settings count rate limits in process memory.
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "yorozu.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "1"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(port, log_path)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _open_link(port, source, forwarded_for=None) -> int:
    return Browser(port, source, forwarded_for).request("GET", "/r/" + "x" * 43 + "/")[0]


@pytest.mark.real_worker
def test_link_pages_count_each_visitor_behind_the_proxy(transactional_db, tmp_path):
    with running_gunicorn(tmp_path, trusted_proxies=PROXY) as port:
        codes = [_open_link(port, PROXY, "203.0.113.1") for _ in range(21)]
        assert codes[:20] == [404] * 20 and codes[20] == 429
        # Another office behind the same proxy still gets its twenty.
        assert _open_link(port, PROXY, "203.0.113.2") == 404
        # A direct connection that claims to forward for a fresh address is counted as
        # itself: its header is not believed.
        stranger = [_open_link(port, STRANGER, f"198.51.100.{n}") for n in range(21)]
        assert stranger[:20] == [404] * 20 and stranger[20] == 429


@pytest.mark.real_worker
def test_failed_logins_from_one_address_do_not_lock_the_user_out_elsewhere(transactional_db,
                                                                         tmp_path, cast):
    email = cast.coordinator.email
    with running_gunicorn(tmp_path, trusted_proxies=PROXY) as port:
        attacker = Browser(port, PROXY, "203.0.113.66")
        codes = [attacker.log_in(email, "wrong-password") for _ in range(5)]
        assert codes == [200, 200, 200, 200, 429]  # the fifth failure locks (user, address)
        assert attacker.log_in(email, PASSWORD) == 429
        # The real user, from their office behind the same proxy, is not locked out.
        assert Browser(port, PROXY, "198.51.100.7").log_in(email, PASSWORD) == 302
