"""Writes of notifications. `notify` is called by the apps that announce events, in the same
transaction that records the event's email as sent (yorozu.mail.send_claimed's `record`), so
the notification exists exactly when the email went; the unique (recipient, key) makes a
second call for the same event a no-op whoever makes it."""

from collections.abc import Iterable

from django.utils import timezone

from .models import Notification

MAX_TEXT_VALUE = 200  # a value filled into a message is cut to this length


def notify(*, recipients: Iterable, kind: str, message: str, key: str,
           params: dict | None = None, url: str = "") -> None:
    """One notification per recipient (users or their ids) for the event `key`; recipients
    who have it already are skipped. `message` is an English msgid (gettext_noop)."""
    ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not ids:
        return
    values = {name: value if isinstance(value, int) else str(value)[:MAX_TEXT_VALUE]
              for name, value in (params or {}).items()}
    now = timezone.now()
    Notification.objects.bulk_create(
        [Notification(recipient_id=pk, kind=kind, message=message, params=values, url=url,
                      key=key, created_at=now) for pk in ids],
        ignore_conflicts=True)


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(
            read_at=timezone.now())


def mark_all_read(*, user) -> int:
    """Returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at=None).update(
        read_at=timezone.now())
