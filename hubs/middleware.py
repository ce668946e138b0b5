from yorozu import fiscal

from .services import access_sync_for_user


class AccessSyncMiddleware:
    """Rebuilds the user's access on their first request of each Tokyo day, so that a term
    that ended at midnight closes at once, before the hourly job gets to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.access_synced_on != fiscal.today():
            access_sync_for_user(user=user)
        return self.get_response(request)
