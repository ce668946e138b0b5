import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

SESSION_LOGIN_AT = "yorozu_login_at"
SESSION_SEEN_AT = "yorozu_seen_at"
# Writing the session on every request would cost a database write per page; a minute's
# precision is enough for a thirty-minute idle timeout (a thirtieth of it, for shorter ones).
SEEN_AT_RESOLUTION = 60
# The browser warns this long before the idle logout (half of a shorter timeout).
WARNING_SECONDS = 5 * 60
# htmx responses carry the seconds left, so that the page's timer counts htmx requests.
REMAINING_HEADER = "X-Session-Remaining"


def seconds_left(session) -> int:
    """Seconds until this login ends, by the idle or the absolute limit, whichever is first."""
    now = int(time.time())
    idle = settings.SESSION_IDLE_TIMEOUT - (now - session.get(SESSION_SEEN_AT, now))
    absolute = settings.SESSION_COOKIE_AGE - (now - session.get(SESSION_LOGIN_AT, now))
    return max(0, min(idle, absolute))


def warning_seconds() -> int:
    return min(WARNING_SECONDS, settings.SESSION_IDLE_TIMEOUT // 2)


def form_page(request) -> str:
    """Where the user was. For a POST or an htmx request, the page it came from (the Referer,
    if it is a page of this site), so that logging in again leads back to the form and not to
    an address that only takes POSTs or returns a fragment."""
    referer = request.headers.get("Referer", "")
    from_a_page = request.method == "POST" or request.htmx
    if from_a_page and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def login_redirect(request, login_url=None, redirect_field_name=REDIRECT_FIELD_NAME):
    """To the login page and back to where the user was. An htmx request would follow a
    redirect silently and put the login page inside the page; HX-Redirect moves the whole
    page instead."""
    response = redirect_to_login(form_page(request), login_url, redirect_field_name)
    if request.htmx:
        # 204: nothing for htmx to swap while it moves the page (HttpResponseClientRedirect
        # would answer 200 with a body).
        htmx = HttpResponse(status=204)
        htmx["HX-Redirect"] = response["Location"]
        return htmx
    return response


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, with the way back of login_redirect: a form posted after the login ended
    elsewhere (another tab logged out) leads back to its page too."""

    def handle_no_permission(self, request, view_func):
        # A view may name its own login page (the admin's views do).
        return login_redirect(request, resolve_url(self.get_login_url(view_func)),
                              self.get_redirect_field_name(view_func))


class SessionLifetimeMiddleware:
    """Ends a login after SESSION_IDLE_TIMEOUT seconds without a request, and after
    SESSION_COOKIE_AGE seconds in any case. Django's own expiry cannot do both: saving the
    session to note activity would also push its absolute expiry forward."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(SESSION_LOGIN_AT, now)
            seen_at = request.session.get(SESSION_SEEN_AT, now)
            if now - seen_at > settings.SESSION_IDLE_TIMEOUT or (
                now - login_at > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
                return login_redirect(request)
            resolution = min(SEEN_AT_RESOLUTION, settings.SESSION_IDLE_TIMEOUT // 30)
            if now - seen_at >= resolution or SESSION_LOGIN_AT not in request.session:
                request.session[SESSION_SEEN_AT] = now
                request.session.setdefault(SESSION_LOGIN_AT, login_at)
        response = self.get_response(request)
        if request.htmx and request.user.is_authenticated:
            response.headers[REMAINING_HEADER] = str(seconds_left(request.session))
        return response
