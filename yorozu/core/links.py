"""Single-use links, written once. The referral links to support agencies
(consultations/referrals.py) and the survey links to clients and agencies
(evaluation/surveys/links.py) are kinds of it; core imports no app, so each kind names its
model.

A link is a row with `token_hash`, `expires_at` and `opened_at`. The token is derived, never
stored: an HMAC with SECRET_KEY of the row's parts (its pk and a random salt, and whatever
else the kind adds: a label, a generation bumped by each reminder). So a send repeated after a
crash emails the very same link, and the database holds only the token's SHA-256: neither a
copy of the database nor a log of addresses gives anyone a working link.

Fetching a link changes nothing (mail scanners fetch every link in an email before people
do). Opening it claims it once with a compare-and-set and moves it into the visitor's
session for a visit window, so the token leaves the address bar (history, bookmarks,
Referer) at once. A wrong, used or expired token all come back alike (False, None), and
the pages answer each with the same 404 (yorozu/core/link_views.py)."""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

# Tokens are 64 hex digits; older referral tokens 43 base64 characters. Anything longer is
# refused before it reaches the database.
MAX_TOKEN_LENGTH = 100


def token_derive(namespace: str, *parts) -> str:
    """The token of a link: parts joined by ":" under the kind's HMAC namespace."""
    return salted_hmac(namespace, ":".join(str(part) for part in parts),
                       algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class LinkKind:
    model: type[models.Model]
    namespace: str  # the HMAC's key salt: changing it would break every link already emailed
    label: str  # tells kinds apart that share a session key
    session_key: str
    visit_setting: str  # the setting that holds the visit's length in seconds
    # What a link must also meet to be opened or visited (e.g. not answered yet).
    still_open: dict = field(default_factory=dict)

    def token(self, *parts) -> str:
        return token_derive(self.namespace, *parts)

    def _links(self) -> models.QuerySet:
        return self.model._default_manager.filter(**self.still_open)

    def usable(self, token: str) -> bool:
        """Whether the token is a link not yet opened and not expired. Changes nothing."""
        if len(token) > MAX_TOKEN_LENGTH:
            return False
        return self._links().filter(token_hash=token_hash(token), opened_at__isnull=True,
                                    expires_at__gt=timezone.now()).exists()

    def open(self, token: str, session) -> bool:
        """Claims the link once and remembers it in the visitor's session. False for a wrong,
        used or expired token."""
        if len(token) > MAX_TOKEN_LENGTH:
            return False
        now = timezone.now()
        pk = (self.model._default_manager.filter(token_hash=token_hash(token))
              .values_list("pk", flat=True).first())
        if pk is None:
            return False
        # The compare-and-set: of two visitors posting at once, one updates the row.
        claimed = self._links().filter(pk=pk, opened_at__isnull=True,
                                       expires_at__gt=now).update(opened_at=now)
        if not claimed:
            return False
        session.cycle_key()  # a visit is a privilege: a new session id for it
        until = now + timedelta(seconds=getattr(settings, self.visit_setting))
        session[self.session_key] = {"model": self.label, "pk": pk,
                                     "until": until.timestamp()}
        return True

    def visit(self, session, queryset: models.QuerySet | None = None):
        """The link the visitor opened, while the visit lasts (None after, or never)."""
        visit = session.get(self.session_key)
        if not visit or visit["until"] < timezone.now().timestamp():
            return None
        # Referral visits begun before this module kept {"link": pk} and no label; they
        # last two hours, and one begun at an upgrade must not lose a used-up link.
        if visit.get("model", self.label) != self.label:
            return None
        rows = self.model._default_manager.all() if queryset is None else queryset
        return rows.filter(pk=visit.get("pk", visit.get("link")), **self.still_open).first()

    def end(self, session) -> None:
        session.pop(self.session_key, None)
