import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

SESSION_LOGIN_AT = "yorozu_login_at"
SESSION_SEEN_AT = "yorozu_seen_at"
# Writing the session on every request would cost a database write per page; a minute's
# precision is enough for a thirty-minute idle timeout.
SEEN_AT_RESOLUTION = 60


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
                return redirect_to_login(request.get_full_path())
            if now - seen_at >= SEEN_AT_RESOLUTION or SESSION_LOGIN_AT not in request.session:
                request.session[SESSION_SEEN_AT] = now
                request.session.setdefault(SESSION_LOGIN_AT, login_at)
        return self.get_response(request)
