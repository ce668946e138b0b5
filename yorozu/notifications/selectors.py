"""Reads of notifications: a user only ever reads their own."""

from django.shortcuts import get_object_or_404

from .models import Notification

# The top bar shows up to this many, then "99+": counting stops there.
COUNT_CAP = 99


def notifications_for(*, user):
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_for_user_or_404(*, user, pk):
    return get_object_or_404(notifications_for(user=user), pk=pk)


def unread_count(*, user) -> int:
    """Unread notifications, counted up to COUNT_CAP + 1 (one query, bounded work)."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    return unread.values("pk")[:COUNT_CAP + 1].count()
