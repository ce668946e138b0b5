from django.apps import AppConfig


class SelfStudyConfig(AppConfig):
    """The hub's self-study for the hearing (自己評価書): its narrative per guideline area and
    the documents attached to it. Nested under evaluation/ because it is written against the
    year's guideline and read beside the hearing's evidence pack (docs/architecture.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation.selfstudy"
    label = "selfstudy"

    def ready(self):
        from . import permissions  # noqa: F401
