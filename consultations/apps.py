from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from . import referrals, reminders, retention  # noqa: F401  (register their jobs' kinds)
        from .reference import load_after_migrate

        # Topics and industries are reference data: back after every test flush too.
        post_migrate.connect(load_after_migrate, sender=self)
