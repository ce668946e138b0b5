from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from . import referrals, reminders, retention  # noqa: F401  (register their jobs' kinds)
        from .models import Case, Session
        from .reference import load_after_migrate
        from .summaries import case_saved, session_deleted, session_saved
        from .tallies import KEPT, record_deleted, record_saved

        # Figures kept with the records: see the two modules for when each runs.
        post_save.connect(session_saved, sender=Session,
                          dispatch_uid="summaries.saved")
        post_delete.connect(session_deleted, sender=Session,
                            dispatch_uid="summaries.deleted")
        post_save.connect(case_saved, sender=Case, dispatch_uid="summaries.case_saved")
        for model in KEPT:
            post_save.connect(record_saved, sender=model,
                              dispatch_uid=f"tallies.saved.{model.__name__}")
            post_delete.connect(record_deleted, sender=model,
                                dispatch_uid=f"tallies.deleted.{model.__name__}")
        # Topics and industries are reference data: back after every test flush too.
        post_migrate.connect(load_after_migrate, sender=self)
