from django.shortcuts import render
from django.urls import path

from hubs.models import Hub
from yorozu.urls import urlpatterns as site


def floor(request):
    """The least a logged-in page costs: the base template (the top bar, the user's menu)
    and one primary-key query."""
    return render(request, "bench/floor.html", {"hub": Hub.objects.get(pk=1)})


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *site]
