"""Development mail: one .eml file per message under var/mail, named by its Message-ID.

Writing is atomic (a temporary file renamed into place), and a message sent again with the
same Message-ID replaces its file, as a mail client shows one message for one Message-ID.
Every delivery attempt is also appended to deliveries.log, so a repeat is visible."""

import os
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
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

    def _write(self, email) -> None:
        message = email.message()
        message_id = message["Message-ID"].strip("<> ")
        target = self.folder / f"{UNSAFE.sub('_', message_id)}.eml"
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(message.as_bytes(linesep="\n"))
        os.replace(temporary, target)
        with open(self.folder / "deliveries.log", "a", encoding="utf-8") as log:
            log.write(f"{timezone.now().isoformat()}\t{message_id}\t"
                      f"{','.join(email.recipients())}\n")
