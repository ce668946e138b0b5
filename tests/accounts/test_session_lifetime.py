"""Idle logout without lost work: pages tell the browser how long the login has left, a
keep-alive refreshes it, and a form posted after the login ran out leads back to its page
once the user has logged in again (the browser keeps what was typed: static/js/session.js)."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.urls import reverse

from tests.conftest import PASSWORD

QUICK_LOG = "/consultations/13/log/"


def _body_attrs(response) -> dict[str, str]:
    body = re.search(r"<body([^>]*)>", response.content.decode()).group(1)
    return dict(re.findall(r'(data-[\w-]+)="([^"]*)"', body))


def _next(response) -> str:
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:login")
    return parse_qs(location.query)["next"][0]


def test_pages_tell_the_browser_how_long_the_login_has_left(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.coordinator)
        client.get(reverse("home"))
    with time_machine.travel(start + 40, tick=False):
        attrs = _body_attrs(client.get(reverse("home")))
    assert attrs["data-session-remaining"] == str(30 * 60 - 40)
    assert attrs["data-session-warning"] == str(5 * 60)
    assert attrs["data-keep-alive-url"] == reverse("accounts:keep_alive")
    assert attrs["data-user"] == str(cast.coordinator.pk)


def test_the_warning_comes_earlier_than_half_of_a_short_idle_timeout(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 8
    client.force_login(cast.coordinator)
    assert _body_attrs(client.get(reverse("home")))["data-session-warning"] == "4"


def test_anonymous_pages_carry_no_session_timer(client):
    attrs = _body_attrs(client.get(reverse("accounts:login")))
    assert "data-session-remaining" not in attrs and "data-user" not in attrs


def test_keep_alive_gives_the_idle_timer_a_fresh_start(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.coordinator)
    with time_machine.travel(start + 25 * 60, tick=False):
        response = client.post(reverse("accounts:keep_alive"))
    assert response.status_code == 200
    assert response.json() == {"remaining": 30 * 60, "warning": 5 * 60}
    # 54 minutes after the last page, 29 after the keep-alive: still logged in.
    with time_machine.travel(start + 54 * 60, tick=False):
        assert client.get(reverse("home")).status_code == 200


def test_keep_alive_cannot_revive_an_expired_login(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.coordinator)
    with time_machine.travel(start + 31 * 60, tick=False):
        response = client.post(reverse("accounts:keep_alive"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get(reverse("home")).status_code == 302


def test_keep_alive_needs_a_post(client, cast):
    client.force_login(cast.coordinator)
    assert client.get(reverse("accounts:keep_alive")).status_code == 405


def test_with_a_short_idle_timeout_every_request_counts_as_activity(client, cast, settings):
    """A minute's precision suits thirty minutes, not a timeout of seconds (the browser test)."""
    settings.SESSION_IDLE_TIMEOUT = 10
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.coordinator)
    for seconds in (8, 16, 24):
        with time_machine.travel(start + seconds, tick=False):
            assert client.get(reverse("home")).status_code == 200


def test_a_form_posted_after_expiry_leads_back_to_its_page_after_login(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.coordinator)
    page = "/consultations/cases/1/?tab=notes"
    with time_machine.travel(start + 31 * 60, tick=False):
        # The form sat on the case page and posted to another address.
        response = client.post("/consultations/cases/1/sessions/new/", {"summary": "x"},
                               HTTP_REFERER=f"http://testserver{page}")
    assert _next(response) == page
    login = client.post(reverse("accounts:login"), {"username": cast.coordinator.email,
                                                    "password": PASSWORD, "next": page})
    assert login["Location"] == page


def test_a_referer_from_another_site_is_not_followed(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.coordinator)
    with time_machine.travel(start + 31 * 60, tick=False):
        response = client.post(QUICK_LOG, HTTP_REFERER="https://evil.example/consultations/")
    assert _next(response) == QUICK_LOG


def test_a_form_posted_after_logging_out_elsewhere_leads_back_to_its_page(client, cast):
    """No session at all (logged out in another tab): the same way back."""
    response = client.post("/consultations/cases/1/sessions/new/",
                           HTTP_REFERER="http://testserver/consultations/cases/1/")
    assert _next(response) == "/consultations/cases/1/"


def test_an_htmx_request_after_expiry_sends_the_whole_page_to_login(client, cast, settings):
    """Followed silently, the redirect would put the login page inside the page (or, with
    hx-swap="none", show nothing at all while the change was not saved)."""
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.coordinator)
    with time_machine.travel(start + 31 * 60, tick=False):
        response = client.get("/consultations/13/clients/search/?q=x", HTTP_HX_REQUEST="true",
                              HTTP_REFERER=f"http://testserver{QUICK_LOG}")
    assert response.status_code == 204
    location = urlsplit(response["HX-Redirect"])
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query)["next"] == [QUICK_LOG]


def test_htmx_responses_tell_the_page_how_long_the_login_has_left(client, cast, settings):
    """htmx requests are activity too: the page's timer learns of it from this header."""
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.force_login(cast.coordinator)
    with time_machine.travel(start + 20, tick=False):
        response = client.get("/consultations/13/clients/search/?q=x", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["X-Session-Remaining"] == str(30 * 60 - 20)
