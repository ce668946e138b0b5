from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"

    def ready(self):
        # Job kinds register themselves on import (yorozu/jobs/registry.py); the satisfaction
        # survey listens for cases that end.
        from .reports import jobs as report_jobs  # noqa: F401
        from .surveys import agency, satisfaction, signals  # noqa: F401
