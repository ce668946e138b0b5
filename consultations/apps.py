from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from . import first_sessions, referrals, reminders, retention, tallies  # noqa: F401  (register their jobs' kinds)
        from .models import Session
        from .reference import load_after_migrate

        # Figures kept with the sessions: see the two modules for when each runs.
        for kept in (first_sessions, tallies):
            post_save.connect(kept.session_saved, sender=Session,
                              dispatch_uid=f"{kept.__name__}.saved")
            post_delete.connect(kept.session_deleted, sender=Session,
                                dispatch_uid=f"{kept.__name__}.deleted")
        # Topics and industries are reference data: back after every test flush too.
        post_migrate.connect(load_after_migrate, sender=self)
