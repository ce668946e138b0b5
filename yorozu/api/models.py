"""A user's secret tokens for other systems: one for the REST API, one for the calendar feed.

Only the token's SHA-256 is stored, as for the single-use links (yorozu/core/links.py): a copy
of the database or of a backup gives nobody a working token. DRF's own authtoken table keeps
the token itself, which is why it is not used. The token is shown once, when it is made;
making another replaces it, and revoking deletes it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserToken(models.Model):
    class Purpose(models.TextChoices):
        API = "api", _("REST API")
        CALENDAR = "calendar", _("Calendar feed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="tokens")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so that the user can tell which token a tool holds.
    hint = models.CharField(max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A day, not a moment: set at most once a day, so a busy tool does not write every request.
    last_used_on = models.DateField(_("last used on"), null=True, blank=True)

    class Meta:
        verbose_name = _("user token")
        verbose_name_plural = _("user tokens")
        constraints = [models.UniqueConstraint(fields=["user", "purpose"],
                                               name="api_one_token_per_purpose")]

    def __str__(self):
        return f"{self.user} {self.purpose} {self.hint}…"
