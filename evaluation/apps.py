from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """The guideline, self-checks and hearings. Plans, surveys and reports are apps of their
    own nested under this folder (evaluation.plans, evaluation.surveys, evaluation.reports)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the guideline permissions on hubs)
