"""HQ's multi-faceted evaluation: weights of a year, the national view, a hub's evaluation
(comment, finalise, reopen, publish), and its improvement requests."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations.conflicts import conflict_rows
from evaluation import heat_map
from evaluation.permissions import EVALUATE
from hubs.access import authorise, hub_access, is_hq, require
from hubs.scoping import get_for_user_or_404, hub_for_user_or_404
from yorozu.core import fiscal, years
from yorozu.core.downloads import requested_format
from yorozu.core.errors import EditConflict, WorkflowError
from yorozu.core.versioned import EditOutcome, submit_versioned

from . import axes, exports, selectors, services
from .forms import RequestForm, SummaryForm, WeightsForm
from .models import Assessment
from .permissions import ANSWER_REQUESTS, VIEW_ASSESSMENT


def weights_edit(request, fiscal_year):
    require(request.user, EVALUATE)
    weights = selectors.year_weights(fiscal_year)
    form = WeightsForm(request.POST or None, instance=weights)

    def save(form):
        services.weights_save(fiscal_year=fiscal_year, data=form.cleaned_data,
                              version=form.started_from() if weights else None,
                              by=request.user)

    outcome = EditOutcome()
    try:
        outcome = submit_versioned(request, form, save)
    except WorkflowError as exc:
        form.add_error(None, str(exc))
    if outcome.saved:
        messages.success(request, _("Saved the weights."))
        return redirect(f"{reverse('assessments:national')}?year={fiscal_year}")
    return render(request, "evaluation/assessments/weights.html", {
        "form": form, "year": fiscal_year, "year_label": fiscal.fiscal_year_label(fiscal_year),
        "locked": services.weights_locked(fiscal_year),
        "conflict": conflict_rows(form, outcome.conflict) if outcome.conflict else None,
    }, status=outcome.status)


def national(request):
    require(request.user, EVALUATE)
    picker = years.year_picker(request)
    rows, weights = selectors.national_rows(fiscal_year=picker.year)
    order = heat_map.Order.from_query(request.GET, axes.CODES)
    rows = heat_map.sort_rows(rows, key=order.key, descending=order.descending,
                              area_codes=axes.CODES)
    groups = (heat_map.group_by_bureau(rows) if order.grouped
              else [heat_map.Group(bureau=None, rows=rows)])
    median_cells, median_overall = heat_map.median_row(rows, len(axes.CODES))
    if chosen := requested_format(request):
        return exports.national_file(rows=rows, median_cells=median_cells,
                                     median_overall=median_overall, fiscal_year=picker.year,
                                     chosen=chosen)
    columns = [("hub", _("Hub")), ("overall", _("Composite"))] + [
        (axis.code, str(axis.label)) for axis in axes.AXES]
    return render(request, "evaluation/assessments/national.html", {
        "year": picker.year, "year_label": fiscal.fiscal_year_label(picker.year),
        "picker": picker, "groups": groups, "order": order, "weights": weights,
        "axes": [(axis, weights.get(axis.code, 0)) for axis in axes.AXES],
        "median_cells": median_cells, "median_overall": median_overall,
        "columns": [{"label": label, "aria_sort": order.aria_sort(key),
                     "href": _query(request, sort=key, dir=order.toggled(key))}
                    for key, label in columns],
        "group_href": _query(request, group=None if order.grouped else "bureau"),
        "locked": services.weights_locked(picker.year), "query": f"year={picker.year}",
    })


def _query(request, **changes) -> str:
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return f"?{query.urlencode()}"


def hub_assessment(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_ASSESSMENT)
    picker = years.year_picker(request)
    if request.method == "POST":  # HQ starts the year's evaluation
        require(request.user, EVALUATE, hub)
        services.assessment_start(hub=hub, fiscal_year=picker.year, by=request.user)
        return redirect(f"{request.path}?year={picker.year}")
    assessment = selectors.hub_assessment(hub=authorise(request.user, VIEW_ASSESSMENT, hub),
                                          fiscal_year=picker.year)
    context = {"hub": hub, "year": picker.year, "picker": picker,
               "year_label": fiscal.fiscal_year_label(picker.year),
               "assessment": assessment, "hq": is_hq(request.user),
               "query": f"year={picker.year}"}
    if assessment is not None:
        context.update(_assessment_context(request, assessment))
        if chosen := requested_format(request):
            return exports.hub_file(assessment=assessment, evaluated=context["evaluated"],
                                    requests=context["requests"], chosen=chosen)
    return render(request, "evaluation/assessments/hub.html", context)


def _assessment_context(request, assessment: Assessment, **extra) -> dict:
    found = selectors.evaluated(assessment)
    hq = is_hq(request.user)
    return {"evaluated": found, "rows": found.rows(), "composite": found.composite,
            "requests": selectors.requests_of(assessment),
            "summary_form": extra.get("summary_form") or (
                SummaryForm(instance=assessment) if hq and assessment.is_draft else None),
            "request_form": extra.get("request_form") or (RequestForm() if hq else None),
            "can_answer": hub_access(request.user).can(ANSWER_REQUESTS, assessment.hub_id),
            "weights_missing": not found.weights}


def _assessment(request, pk, perm=VIEW_ASSESSMENT) -> Assessment:
    found = selectors.visible_assessments(request.user).select_related("hub")
    return get_for_user_or_404(found, request.user, perm, pk=pk)


def _back(assessment: Assessment):
    return redirect(f"{reverse('assessments:hub', args=[assessment.hub.jis_code])}"
                    f"?year={assessment.fiscal_year}")


def _page(request, assessment, status=200, **forms):
    """The hub's evaluation again, with a form the user sent back (`summary_form`,
    `request_form`) or the conflict of a stale comment."""
    conflict = forms.pop("conflict", None)
    context = {"hub": assessment.hub, "year": assessment.fiscal_year, "hq": True,
               "year_label": fiscal.fiscal_year_label(assessment.fiscal_year),
               "assessment": assessment, "picker": None, "conflict": conflict,
               **_assessment_context(request, assessment, **forms)}
    return render(request, "evaluation/assessments/hub.html", context, status=status)


@require_POST
def assessment_comment(request, pk):
    assessment = _assessment(request, pk, EVALUATE)
    form = SummaryForm(request.POST, instance=assessment)

    def save(form):
        services.assessment_comment(assessment=assessment, summary=form.cleaned_data["summary"],
                                    version=form.started_from(), by=request.user)
    try:
        outcome = submit_versioned(request, form, save)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _back(assessment)
    if outcome.saved:
        messages.success(request, _("Saved the comment."))
        return _back(assessment)
    return _page(request, assessment, status=outcome.status, summary_form=form,
                 conflict=conflict_rows(form, outcome.conflict) if outcome.conflict else None)


@require_POST
def assessment_finalise(request, pk):
    return _transition(request, pk, services.assessment_finalise, _("Finalised the evaluation."),
                       version=request.POST.get("version"))


@require_POST
def assessment_reopen(request, pk):
    return _transition(request, pk, services.assessment_reopen, _("Reopened the evaluation."))


@require_POST
def assessment_publish(request, pk):
    return _transition(request, pk, services.assessment_publish,
                       _("Published the evaluation to the hub and its bureau."))


def _transition(request, pk, action, done: str, **kwargs):
    assessment = _assessment(request, pk, EVALUATE)
    if "version" in kwargs:
        try:
            kwargs["version"] = int(kwargs["version"])
        except (TypeError, ValueError):
            kwargs["version"] = 0
    try:
        action(assessment=assessment, by=request.user, **kwargs)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    except EditConflict:
        messages.error(request, _("Someone changed this evaluation meanwhile. Check it again "
                                  "before finalising."))
    else:
        messages.success(request, done)
    return _back(assessment)


@require_POST
def request_add(request, pk):
    assessment = _assessment(request, pk, EVALUATE)
    form = RequestForm(request.POST)
    if form.is_valid():
        services.request_add(assessment=assessment, data=form.cleaned_data, by=request.user)
        messages.success(request, _("Added the improvement request."))
        return _back(assessment)
    return _page(request, assessment, request_form=form)


def axis_detail(request, pk, code):
    assessment = _assessment(request, pk)
    axis = axes.BY_CODE.get(code)
    if axis is None:
        raise Http404
    from . import drilldown

    found = selectors.evaluated(assessment)
    return render(request, "evaluation/assessments/axis.html", {
        "assessment": assessment, "hub": assessment.hub, "axis": axis,
        "value": found.values.get(code), "frozen": found.frozen,
        "year_label": fiscal.fiscal_year_label(assessment.fiscal_year),
        **drilldown.records(axis=axis, assessment=assessment, user=request.user,
                            page=request.GET.get("page")),
    })
