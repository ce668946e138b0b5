from django.apps import AppConfig
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from . import referrals, reminders, retention, topic_tally  # noqa: F401  (register their jobs' kinds)
        from .models import Case, CaseTopic, Session
        from .reference import load_after_migrate
        from .summaries import case_saved, session_deleted, session_saved
        from .tallies import KEPT, record_deleted, record_saved

        # Figures kept with the records: see the three modules for when each runs.
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
        for signal, receiver in ((pre_save, topic_tally.session_saving),
                                 (post_save, topic_tally.session_saved),
                                 (pre_delete, topic_tally.session_deleting),
                                 (post_delete, topic_tally.session_deleted)):
            signal.connect(receiver, sender=Session,
                           dispatch_uid=f"topic_tally.{receiver.__name__}")
        m2m_changed.connect(topic_tally.topics_changing, sender=CaseTopic,
                            dispatch_uid="topic_tally.topics")
        # Topics and industries are reference data: back after every test flush too.
        post_migrate.connect(load_after_migrate, sender=self)
