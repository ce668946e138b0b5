from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Every page a logged-in user gets shows clients' or a hub's data, and offices share
    computers: none of it may stay in the browser's cache (or a cache on the way) once the
    user has gone. A view that chose its own Cache-Control keeps it. Static files never get
    here: WhiteNoise answers them first, with their long cache lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
