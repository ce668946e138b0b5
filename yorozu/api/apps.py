from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """Interfaces for other systems: the read-only REST API (/api/v1/) and the calendar feeds
    (/api/calendar/). On the top floor, beside yorozu.views: it reads hubs, the hub figures,
    plans, hearings and referrals (docs/architecture.md, Floors)."""

    name = "yorozu.api"
    label = "api"
    verbose_name = _("API and calendar feeds")
