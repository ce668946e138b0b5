import time

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD


def _login(client, email, password, ip="192.0.2.10"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password},
                       REMOTE_ADDR=ip)


def test_login_lands_on_home(client, cast):
    response = _login(client, cast.coordinator.email.upper(), PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_that_username_from_that_address(client, cast):
    email = cast.coordinator.email
    for _ in range(2):
        assert _login(client, email, "wrong-password").status_code == 200
    assert _login(client, email, "wrong-password").status_code == 429  # the third failure
    locked = _login(client, email, PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert "ログインを一時的に制限しています" in locked.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_does_not_spread_to_other_addresses_or_other_users(client, cast):
    for _ in range(3):
        _login(client, cast.coordinator.email, "wrong-password")
    # The real user, from their office: not locked out by someone else's guessing.
    assert _login(client, cast.coordinator.email, PASSWORD, ip="198.51.100.7").status_code == 302
    client.logout()
    # A colleague behind the same address: not locked either.
    assert _login(client, cast.chief.email, PASSWORD).status_code == 302


def test_idle_session_ends_after_thirty_minutes(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.chief)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + 29 * 60, tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + 29 * 60 + 31 * 60, tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_active_session_still_ends_at_its_absolute_lifetime(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.chief)
    for minutes in range(20, 120, 20):  # busy all along
        with time_machine.travel(start + minutes * 60, tick=False):
            assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + 121 * 60, tick=False):
        assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("url", ["/accounts/login/", "/"])
def test_pages_carry_a_strict_content_security_policy(client, cast, url):
    client.force_login(cast.coordinator)
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_refuse_framing_and_sniffing(client):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_new_view_needs_a_login_unless_marked_public():
    from django.urls import get_resolver

    public = {"accounts:login", "accounts:password_reset", "accounts:password_reset_done",
              "accounts:password_reset_confirm", "accounts:password_reset_complete",
              "accounts:activate",
              "set_language", "healthz", "admin:login",
              # Token-based: the API answers 401 itself; the feed finds its user by token.
              "api:schema", "api:calendar_feed"}
    marked = set()
    for name in public:
        ns, _, short = name.rpartition(":")
        resolver = get_resolver()
        for pattern in (resolver.namespace_dict[ns][1].url_patterns if ns else
                        resolver.url_patterns):
            if getattr(pattern, "name", None) == short:
                view = pattern.callback
                if getattr(view, "login_required", True) is False:
                    marked.add(name)
    assert marked == public


def test_production_settings_refuse_to_start_without_a_secret_key(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ALLOWED_HOSTS", "yorozu.example.jp")
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(importlib.import_module("yorozu.settings.production"))


@pytest.mark.needs_postgres
def test_ci_runs_on_postgresql():
    from django.db import connection

    assert connection.vendor == "postgresql"


def test_no_template_has_inline_styles_or_scripts():
    """The CSP allows neither; a page that used them would break quietly in the browser."""
    import re
    from pathlib import Path

    from django.conf import settings

    inline = re.compile(r'\sstyle="|<style|<script(?![^>]*\bsrc=)(?![^>]*application/json)'
                        r'|\son(click|change|load|submit)=', re.I)
    offenders = [str(path.relative_to(settings.BASE_DIR))
                 for path in (settings.BASE_DIR / "templates").rglob("*.html")
                 if inline.search(path.read_text(encoding="utf-8"))]
    assert not offenders, f"inline style or script in: {offenders}"
    assert Path(settings.BASE_DIR / "templates").is_dir()
