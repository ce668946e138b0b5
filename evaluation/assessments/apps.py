from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """HQ's multi-faceted evaluation of each hub per fiscal year (多面的な評価), and the
    improvement requests that carry into the next year's plan (PDCA)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation.assessments"
    label = "assessments"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the hub permissions)
