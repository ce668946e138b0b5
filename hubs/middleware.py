from yorozu.core import fiscal

from . import rls
from .access import hub_access
from .services import access_sync_for_user


class AccessSyncMiddleware:
    """Rebuilds the user's access on their first request of each Tokyo day, so that a term
    that ended at midnight closes at once, before the hourly job gets to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            _sync_today(request.user)
        return self.get_response(request)


class HubWallMiddleware:
    """Raises the database's second wall (hubs.rls) around the view of a logged-in user who
    sees only some hubs. Superusers (the Django admin) and HQ see every hub. Public pages (the
    single-use link pages) find their one row by its token, whoever happens to be logged in,
    so they run without it, as for a visitor with no login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = request.__dict__.pop("_hub_wall", None)
            if token is not None:
                rls.leave(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "login_required", True):
            _raise_wall(request, request.user)


def _wall_of(user):
    if not user.is_authenticated or user.is_superuser:
        return None
    return hub_access(user).visible_hub_ids


def enter_as(request, user) -> None:
    """For a view that finds its user by a token of its own (the REST API, the calendar feed):
    what these two middlewares do for a logged-in user, done once the view knows the user. Its
    access is rebuilt on its first request of the day, and the wall is raised for its hubs;
    HubWallMiddleware lowers it when the response leaves, as for any other view."""
    _sync_today(user)
    _raise_wall(request, user)


def _sync_today(user) -> None:
    if user.access_synced_on != fiscal.today():
        access_sync_for_user(user=user)


def _raise_wall(request, user) -> None:
    """Once per request; HubWallMiddleware lowers it when the response leaves."""
    if not hasattr(request, "_hub_wall"):
        request._hub_wall = rls.enter(_wall_of(user))
