"""The calendar feed: a secret address per user, for calendar apps, which cannot log in.
Public to the login middleware (login_not_required); the token finds the user, after which
the feed holds only what that user may see (feed.py), behind the database's hub wall for
their hubs. A wrong or revoked token is the same 404 as a missing page. Rate-limited per
token and per address like the single-use link pages (django-ratelimit, shared cache)."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_ratelimit.decorators import ratelimit

from hubs.middleware import enter_as

from . import feed
from .models import UserToken
from .tokens import token_user


def _token_key(group, request) -> str:
    # Per token, not per address: calendar services fetch many users' feeds from a few
    # addresses, and one busy subscription must not starve the others.
    token = request.resolver_match.kwargs.get("token", "")
    return hashlib.sha256(token.encode()).hexdigest()


def _rate(name: str):
    return lambda group, request: getattr(settings, name)


@login_not_required
@never_cache
@require_safe
@ratelimit(group="calendar_feed_ip", key="ip", rate=_rate("CALENDAR_FEED_IP_RATE"), block=True)
@ratelimit(group="calendar_feed", key=_token_key, rate=_rate("CALENDAR_FEED_RATE"), block=True)
def calendar_feed(request, token):
    user = token_user(token=token, purpose=UserToken.Purpose.CALENDAR)
    if user is None:
        raise Http404
    enter_as(request, user)
    body = feed.feed_ical(user=user, entries=feed.feed_entries(user=user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="yorozu.ics"'
    return response
