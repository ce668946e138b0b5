from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Annual plans and the activity policy. Nested under evaluation/ because plans are read
    against the guideline year and feed the hearing's evidence pack (docs/architecture.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation.plans"
    label = "plans"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the plan permissions on hubs)
