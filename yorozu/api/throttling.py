from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class UserThrottle(UserRateThrottle):
    """DRF's per-user throttle (counted in the shared cache), its rate read from API_RATE at
    each request rather than once at import, so that it follows the settings."""

    def get_rate(self):
        return settings.API_RATE
