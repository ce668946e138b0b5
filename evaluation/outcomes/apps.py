from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    """Client outcomes: each client's financial snapshots per fiscal period and the milestones
    it reached with the hub's help. Nested under evaluation/ because the value-added figure
    (evaluation/figures.py) is read by the hub's evaluation (docs/architecture.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation.outcomes"
    label = "outcomes"
    verbose_name = _("Client outcomes")

    def ready(self):
        # The client page's section (consultations/pages.py: consultations must not import
        # this app), and the anonymisation of clients' free texts (consultations/retention.py).
        from consultations.pages import client_section_register
        from consultations.retention import client_data_register

        from . import permissions, signals  # noqa: F401
        from .disclosure import client_outcome_data
        from .section import client_outcomes_section

        client_section_register(client_outcomes_section)
        # A disclosure of the client's data includes its financial figures and milestones.
        client_data_register(client_outcome_data)
