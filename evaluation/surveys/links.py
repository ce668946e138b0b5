"""Survey links: single-use, expiring, and out of the address bar after first use.

The token is 256 bits derived with HMAC from the invitation's random salt, its generation and
the server's SECRET_KEY; the database holds only the token's SHA-256, so neither a database
copy nor a log of addresses gives anyone a working link. Because it is derived, a send that a
crash interrupted repeats the same email, with the same link, instead of a different one.

Fetching a link only shows a page with a button (mail scanners fetch every link, and must not
use it up); the button's POST claims the invitation with a compare-and-set and moves it into
the visitor's session. A wrong, used or expired token answers the same 404 as a missing page.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

SESSION_KEY = "survey_visit"
MAX_TOKEN_LENGTH = 100


def token_for(invitation) -> str:
    value = f"{invitation.LINK_LABEL}:{invitation.pk}:{invitation.salt}:" \
            f"{invitation.generation}"
    return salted_hmac("yorozu.surveys.link", value, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_usable(model, token: str) -> bool:
    """Whether the token is an unopened, unexpired link. Changes nothing."""
    if len(token) > MAX_TOKEN_LENGTH:
        return False
    return model.objects.filter(token_hash=token_hash(token), opened_at__isnull=True,
                                answered_at__isnull=True,
                                expires_at__gt=timezone.now()).exists()


def link_open(model, token: str, session) -> bool:
    """Claims the link once and remembers the invitation in the visitor's session."""
    if len(token) > MAX_TOKEN_LENGTH:
        return False
    now = timezone.now()
    invitation = model.objects.filter(token_hash=token_hash(token)).only("pk").first()
    if invitation is None:
        return False
    claimed = model.objects.filter(pk=invitation.pk, opened_at__isnull=True,
                                   answered_at__isnull=True,
                                   expires_at__gt=now).update(opened_at=now)
    if not claimed:
        return False
    session.cycle_key()
    session[SESSION_KEY] = {"model": model.LINK_LABEL, "pk": invitation.pk,
                            "until": (now + timedelta(seconds=settings.SURVEY_VISIT_SECONDS))
                            .timestamp()}
    return True


def visit_invitation(model, session):
    """The invitation the visitor opened, while the visit lasts and until it is answered."""
    visit = session.get(SESSION_KEY)
    if (not visit or visit.get("model") != model.LINK_LABEL
            or visit["until"] < timezone.now().timestamp()):
        return None
    return model.objects.filter(pk=visit["pk"], answered_at__isnull=True).first()


def visit_end(session) -> None:
    session.pop(SESSION_KEY, None)


def claim_answer(model, pk: int) -> bool:
    """Marks the invitation answered, once. Call inside the transaction that saves the
    answers, so that answers and the mark are stored together or not at all."""
    return model.objects.filter(pk=pk, answered_at__isnull=True).update(
        answered_at=timezone.now()) == 1
