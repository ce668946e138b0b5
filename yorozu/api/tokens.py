"""Making, revoking and checking a user's tokens (models.UserToken). The writes and the one
read every request makes; each token is 43 URL-safe characters (256 random bits)."""

import secrets

from django.db import transaction

from yorozu.core import fiscal
from yorozu.core.links import MAX_TOKEN_LENGTH, token_hash

from .models import UserToken


@transaction.atomic
def token_issue(*, user, purpose: str) -> str:
    """A new token for `purpose`, replacing the user's old one (which stops working at once).
    The token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    UserToken.objects.filter(user=user, purpose=purpose).delete()
    UserToken.objects.create(user=user, purpose=purpose, token_hash=token_hash(token),
                             hint=token[:6])
    return token


def token_revoke(*, user, purpose: str) -> bool:
    deleted, _rows = UserToken.objects.filter(user=user, purpose=purpose).delete()
    return bool(deleted)


def token_user(*, token: str, purpose: str):
    """The active user whose token of `purpose` this is, or None for a wrong, revoked or
    over-long token (all alike). Notes the day of use, once a day."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = (UserToken.objects.filter(token_hash=token_hash(token), purpose=purpose,
                                    user__is_active=True)
           .select_related("user").first())
    if row is None:
        return None
    today = fiscal.today()
    if row.last_used_on != today:
        UserToken.objects.filter(pk=row.pk).update(last_used_on=today)
    return row.user


def tokens_of(*, user) -> dict[str, UserToken]:
    """The user's tokens by purpose, for the settings page."""
    return {row.purpose: row for row in UserToken.objects.filter(user=user)}
