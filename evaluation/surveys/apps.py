from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """Client satisfaction and regional support-agency surveys."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation.surveys"
    label = "surveys"

    def ready(self):
        # Job kinds register themselves on import (yorozu/jobs/registry.py); the satisfaction
        # survey listens for cases that end.
        from consultations.tallies import keep

        from . import agency, permissions, satisfaction, signals  # noqa: F401

        keep(satisfaction.TALLY)  # answers per hub, month and overall score
