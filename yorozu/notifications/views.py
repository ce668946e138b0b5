"""The user's notifications: newest first, a page at a time; mark one or all as read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PAGE_SIZE = 20


@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications_for(user=request.user),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@require_POST
def notification_read(request, pk):
    notification = selectors.notification_for_user_or_404(user=request.user, pk=pk)
    services.mark_read(notification)
    return redirect(_back(request))


@require_POST
def notification_read_all(request):
    if services.mark_all_read(user=request.user):
        messages.success(request, _("All notifications are marked as read."))
    return redirect(_back(request))


def _back(request) -> str:
    """The list again, on the page the button was on."""
    url = reverse("notifications:notification_list")
    page = request.POST.get("page", "")
    return f"{url}?page={page}" if page.isdigit() and page != "1" else url
