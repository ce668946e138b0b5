import time

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .middleware import SESSION_SEEN_AT, seconds_left, warning_seconds


@never_cache
@require_POST
def keep_alive(request):
    """The "stay logged in" button of the idle warning: counts as activity, and tells the page
    how long the login has now. A login past its limit never gets here: the session middleware
    has ended it and answers with the way to the login page."""
    request.session[SESSION_SEEN_AT] = int(time.time())
    return JsonResponse({"remaining": seconds_left(request.session),
                         "warning": warning_seconds()})
