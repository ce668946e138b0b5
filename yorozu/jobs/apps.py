from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yorozu.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # The appointment invitation's job kind registers itself and listens for approvals.
        from . import invitations  # noqa: F401
