from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Excel reports. No models: an app for its URLs, job kinds and scheduled task."""

    name = "evaluation.reports"
    label = "reports"

    def ready(self):
        from . import jobs  # noqa: F401  (registers the report job kinds)
