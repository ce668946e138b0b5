from django.utils.translation import gettext

from .selectors import COUNT_CAP, unread_count


class Unread:
    """The top bar's unread count, counted (one query) only when a page shows it."""

    def __init__(self, user):
        self.user, self._count = user, None

    @property
    def count(self) -> int:
        if self._count is None:
            self._count = unread_count(user=self.user)
        return self._count

    @property
    def shown(self) -> str:
        return f"{COUNT_CAP}+" if self.count > COUNT_CAP else str(self.count)

    @property
    def label(self) -> str:
        """The link's accessible name: 「お知らせ（未読3件）」."""
        if not self.count:
            return gettext("Notifications")
        if self.count > COUNT_CAP:
            return gettext("Notifications (more than %(n)s unread)") % {"n": COUNT_CAP}
        return gettext("Notifications (%(n)s unread)") % {"n": self.count}


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": Unread(user)}
