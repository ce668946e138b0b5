from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Annual plans and the activity policy. Nested under evaluation/ because plans are read
    against the guideline year and feed the hearing's evidence pack (docs/architecture.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation.plans"
    label = "plans"

    def ready(self):
        # The plan permissions on hubs, and the job kind of plan emails.
        from . import permissions, tasks  # noqa: F401
