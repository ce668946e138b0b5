"""The API's one way in: `Authorization: Bearer <token>` (or `Token <token>`), a token the
user made on the settings page (tokens.py). No session, so no CSRF to think of, and a page's
login opens nothing here."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from hubs.middleware import enter_as

from .models import UserToken
from .tokens import token_user

KEYWORDS = (b"bearer", b"token")


class UserTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        try:
            token = parts[1].decode("ascii")
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        user = token_user(token=token, purpose=UserToken.Purpose.API)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        # The day's access sync and the database's hub wall, as a logged-in page gets them.
        enter_as(request._request, user)
        return user, None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class UserTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes the token (drf-spectacular finds it by the class)."""

    target_class = UserTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A token made on the page /api/tokens/ (API and calendar)."}
