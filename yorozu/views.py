from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@login_not_required
@never_cache
def healthz(request):
    """For the load balancer and docker-compose: the app answers and the database is up."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def rate_limited(request, exception):
    """django-ratelimit sends blocked requests here: 429 with a plain Japanese page."""
    from django.shortcuts import render

    return render(request, "429.html", status=429)
