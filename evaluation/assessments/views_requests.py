"""Improvement requests after publication: the hub answers each with actions (the chief
coordinator and the implementing organization); the bureau follows them up."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations.conflicts import conflict_rows
from hubs.access import hub_access, require
from hubs.scoping import get_for_user_or_404
from yorozu.core import fiscal
from yorozu.core.errors import WorkflowError
from yorozu.core.tables import table_for
from yorozu.core.versioned import submit_versioned

from . import selectors, services
from .forms import ActionForm, FollowUpForm
from .permissions import ANSWER_REQUESTS, FOLLOW_UP_REQUESTS, VIEW_ASSESSMENT
from .tables import RequestTable


def request_list(request):
    """The requests in the user's scope: the bureau's follow-up list, the hub's to-do list,
    HQ's overview. Open ones unless all are asked for."""
    if not hub_access(request.user).anywhere(VIEW_ASSESSMENT):
        raise PermissionDenied
    open_only = request.GET.get("all") != "1"
    table = table_for(RequestTable(selectors.requests_in_scope(user=request.user,
                                                               open_only=open_only)), request)
    return render(request, "evaluation/assessments/request_list.html", {
        "table": table, "open_only": open_only})


def _request(request, pk):
    found = selectors.visible_requests(request.user).select_related("hub", "assessment")
    return get_for_user_or_404(found, request.user, VIEW_ASSESSMENT, pk=pk)


def request_detail(request, pk, *, action_form=None, follow_up_form=None, conflict=None,
                   status=200):
    found = _request(request, pk)
    access = hub_access(request.user)
    can_answer = access.can(ANSWER_REQUESTS, found.hub_id) and found.is_open
    can_follow = access.can(FOLLOW_UP_REQUESTS, found.hub_id)
    return render(request, "evaluation/assessments/request_detail.html", {
        "item": found, "hub": found.hub,
        "year_label": fiscal.fiscal_year_label(found.assessment.fiscal_year),
        "actions": found.actions.select_related("created_by").order_by("pk"),
        "follow_ups": found.follow_ups.select_related("by").order_by("pk"),
        "action_form": action_form or (ActionForm() if can_answer else None),
        "follow_up_form": follow_up_form or (
            FollowUpForm(initial={"status": found.status, "version": found.version})
            if can_follow else None),
        "conflict": conflict,
    }, status=status)


@require_POST
def action_add(request, pk):
    found = _request(request, pk)
    require(request.user, ANSWER_REQUESTS, found.hub_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.action_add(request=found, data=form.cleaned_data, by=request.user)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Added the action."))
        return redirect("assessments:request_detail", pk=found.pk)
    return request_detail(request, pk, action_form=form)


@require_POST
def follow_up_add(request, pk):
    found = _request(request, pk)
    require(request.user, FOLLOW_UP_REQUESTS, found.hub_id)
    form = FollowUpForm(request.POST)

    def save(form):
        services.follow_up_add(request=found, data=form.cleaned_data,
                               version=form.started_from(), by=request.user)
    outcome = submit_versioned(request, form, save)
    if outcome.saved:
        messages.success(request, _("Saved the follow-up."))
        return redirect("assessments:request_detail", pk=found.pk)
    conflict = conflict_rows(form, outcome.conflict) if outcome.conflict else None
    return request_detail(request, pk, follow_up_form=form, conflict=conflict,
                          status=outcome.status)
