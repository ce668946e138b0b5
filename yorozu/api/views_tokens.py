"""The settings page where a logged-in user makes, remakes and revokes their own tokens: one
for the REST API, one for the calendar feed. A new token is shown once: the POST that makes
it leaves it in the session and redirects, and the page takes it out again as it shows it
(so a reload neither shows it again nor, as re-sending the POST would, replaces it)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import tokens
from .models import UserToken


def _purpose(purpose: str) -> str:
    if purpose not in UserToken.Purpose.values:
        raise Http404
    return purpose


def feed_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("api:calendar_feed", args=[token])


def _page(request, *, new_token=None, new_purpose=None):
    return render(request, "api/tokens.html", {
        "tokens": tokens.tokens_of(user=request.user),
        "new_token": new_token, "new_purpose": new_purpose,
        "new_feed_url": feed_url(new_token) if new_purpose == "calendar" else None,
        "api_base": settings.SITE_URL.rstrip("/") + "/api/v1/",
        "schema_url": reverse("api:schema"),
    })


NEW_TOKEN = "api_new_token"


def token_settings(request):
    new = request.session.pop(NEW_TOKEN, None) or {}
    return _page(request, new_token=new.get("token"), new_purpose=new.get("purpose"))


@require_POST
def token_issue(request, purpose):
    purpose = _purpose(purpose)
    token = tokens.token_issue(user=request.user, purpose=purpose)
    request.session[NEW_TOKEN] = {"purpose": purpose, "token": token}
    return redirect("api:tokens")


@require_POST
def token_revoke(request, purpose):
    if tokens.token_revoke(user=request.user, purpose=_purpose(purpose)):
        messages.success(request, _("The token has been revoked. Tools and calendars that "
                                    "used it can no longer read anything."))
    return redirect("api:tokens")
