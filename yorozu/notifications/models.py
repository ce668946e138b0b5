"""In-app notifications: one row per recipient and event, beside the email of the same event.

The text is an English msgid with %(name)s placeholders and its values (params), translated
when shown, so a notification reads in the language of whoever opens it. The apps that
announce things write their msgids with gettext_noop, so that makemessages finds them.
`key` names the event: one notification per recipient and key, however often it is made."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    message = models.CharField(max_length=200)  # an English msgid, translated when shown
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)  # a path on this site
    key = models.CharField(max_length=150)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"],
                                               name="notifications_one_per_event")]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"],
                         name="notifications_newest"),
            # The top bar's count on every page: the unread ones only.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True),
                         name="notifications_unread"),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.key}"

    @property
    def text(self) -> str:
        """The message in the current language, with its values filled in."""
        try:
            return gettext(self.message) % self.params
        except (KeyError, TypeError, ValueError):
            return gettext(self.message)

    @property
    def link(self) -> str:
        """The address to open: only a path on this site (never another site's address)."""
        url = self.url or ""
        return url if url.startswith("/") and not url.startswith("//") else ""
