"""Development mail: one .eml file per message under var/mail, named by its Message-ID.

Writing is atomic (a temporary file renamed into place), and a message sent again with the
same Message-ID replaces its file, as a mail client shows one message for one Message-ID.
Every delivery attempt is also appended to deliveries.log, so a repeat is visible."""

import os
import re
import tempfile
from email import message_from_bytes
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

UNSAFE = re.compile(r"[^A-Za-z0-9._@-]+")


class MessageFileBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            self._write(message)
        return len(email_messages)

    def has_delivered(self, email) -> bool:
        """Whether this very message (its Message-ID and its text) is in the mailbox already.
        The text counts too: a database reset starts ids again, and an old message with the
        same Message-ID but another link is not this one."""
        target = self._target(email.message())
        if not target.exists():
            return False
        return _text(message_from_bytes(target.read_bytes())) == _text(email.message())

    def _target(self, message) -> Path:
        message_id = message["Message-ID"].strip("<> ")
        return self.folder / f"{UNSAFE.sub('_', message_id)}.eml"

    def _write(self, email) -> None:
        message = email.message()
        message_id = message["Message-ID"].strip("<> ")
        target = self._target(message)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(message.as_bytes(linesep="\n"))
        os.replace(temporary, target)
        with open(self.folder / "deliveries.log", "a", encoding="utf-8") as log:
            log.write(f"{timezone.now().isoformat()}\t{message_id}\t"
                      f"{','.join(email.recipients())}\n")


def _text(message) -> list:
    return [part.get_payload(decode=True) for part in message.walk()
            if not part.is_multipart()]


def delivered_before(email) -> bool:
    """Whether the mail backend already took this message: a worker was killed after the send
    and before the commit that records it, and the job runs again. Only a backend that keeps
    what it delivered can tell (the development mailbox); SMTP cannot, and the message goes
    out again with the same Message-ID, which receiving systems may use to drop the repeat."""
    check = getattr(email.get_connection(), "has_delivered", None)
    return bool(check and email.extra_headers.get("Message-ID") and check(email))


def send_unless_delivered(email) -> None:
    """Sends the message unless the backend has it already (see delivered_before)."""
    if not delivered_before(email):
        email.send()


def send_claimed(*, claim, build, record) -> bool:
    """Sends one message exactly once, in one transaction: `claim()` locks and returns what
    the message is about (None: sent already, or not this caller's), `build(item)` makes the
    message with a Message-ID fixed for that item (None: nobody to send it to), and
    `record(item)` marks it sent. A failure anywhere rolls the claim back, so a retry sends
    it; a run killed after the send and before the commit is reconciled by delivered_before
    on the next run. Returns whether this call claimed (and so sent or recorded) it."""
    with transaction.atomic():
        item = claim()
        if item is None:
            return False
        message = build(item)
        if message is not None:
            send_unless_delivered(message)
        record(item)
    return True
