"""Staff pages of the support-agency survey. The hub's figures readers (its staff, its bureau,
HQ) see campaigns, counts and results; only the implementing organization drafts, starts,
reminds and closes, and sees which agency has answered."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation.surveys.permissions import RUN_AGENCY_SURVEY
from hubs.access import authorise, hub_access, require
from hubs.roles import VIEW_AGGREGATES
from hubs.scoping import (
    get_for_user_or_403,
    get_for_user_or_404,
    hub_for_user_or_404,
)
from yorozu.core import fiscal
from yorozu.core.tables import table_for
from yorozu.core.versioned import submit_versioned

from . import agency, agency_selectors
from .agency_forms import SurveyForm
from .models import AgencySurvey
from .tables import AgencySurveyTable

SURVEYS = AgencySurvey.objects.select_related("hub", "hub__bureau")


def agency_survey_list(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_AGGREGATES)
    surveys = agency_selectors.survey_list(hub=authorise(request.user, VIEW_AGGREGATES, hub))
    table = table_for(AgencySurveyTable(surveys), request)
    return render(request, "evaluation/surveys/agency_list.html", {
        "hub": hub, "table": table,
        "can_run": hub_access(request.user).can(RUN_AGENCY_SURVEY, hub.pk)})


def agency_survey_create(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_AGGREGATES)
    require(request.user, RUN_AGENCY_SURVEY, hub)
    form = SurveyForm(request.POST or None, initial=agency.survey_defaults())
    if request.method == "POST" and form.is_valid():
        survey = agency.survey_create(hub=hub, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Saved the draft survey. Check it, then start it to send "
                                    "the invitations."))
        return redirect("surveys:agency_survey_detail", pk=survey.pk)
    return render(request, "evaluation/surveys/agency_form.html", {"hub": hub, "form": form})


def agency_survey_edit(request, pk):
    survey = get_for_user_or_403(SURVEYS, request.user, read=VIEW_AGGREGATES,
                                 write=RUN_AGENCY_SURVEY, pk=pk)
    if survey.status != AgencySurvey.Status.DRAFT:
        messages.error(request, _("Only a draft survey can be edited."))
        return redirect("surveys:agency_survey_detail", pk=survey.pk)
    form = SurveyForm(request.POST or None, instance=survey)
    try:
        outcome = submit_versioned(request, form, lambda f: agency.survey_update(
            survey=survey, by=request.user, data=f.cleaned_data, version=f.started_from()))
    except agency.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:agency_survey_detail", pk=survey.pk)
    if outcome.saved:
        messages.success(request, _("Saved the draft survey."))
        return redirect("surveys:agency_survey_detail", pk=survey.pk)
    return render(request, "evaluation/surveys/agency_form.html", {
        "hub": survey.hub, "form": form, "survey": survey, "conflict": outcome.conflict,
    }, status=outcome.status)


def agency_survey_detail(request, pk):
    survey = get_for_user_or_404(SURVEYS, request.user, VIEW_AGGREGATES, pk=pk)
    can_run = hub_access(request.user).can(RUN_AGENCY_SURVEY, survey.hub_id)
    started = survey.status != AgencySurvey.Status.DRAFT
    return render(request, "evaluation/surveys/agency_detail.html", {
        "survey": survey, "hub": survey.hub, "can_run": can_run,
        "year_label": fiscal.fiscal_year_label(survey.fiscal_year),
        "counts": agency_selectors.survey_counts(survey=survey),
        "job": agency_selectors.survey_latest_job(survey=survey) if started else None,
        "invitations": (list(agency_selectors.survey_invitations(survey=survey))
                        if can_run and started else None),
        "summary": agency_selectors.survey_results(survey=survey) if started else None,
        "reminded_today": survey.last_reminded_on == fiscal.today(),
    })


def _action(request, pk, service, done_message):
    survey = get_for_user_or_403(SURVEYS, request.user, read=VIEW_AGGREGATES,
                                 write=RUN_AGENCY_SURVEY, pk=pk)
    try:
        service(survey=survey, by=request.user)
    except agency.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done_message)
    return redirect("surveys:agency_survey_detail", pk=survey.pk)


@require_POST
def agency_survey_start(request, pk):
    return _action(request, pk, agency.survey_start,
                   _("The survey has started. The invitations are being sent; this page shows "
                     "how far it has got."))


@require_POST
def agency_survey_remind(request, pk):
    return _action(request, pk, agency.survey_remind,
                   _("Reminders are being sent to the agencies that have not answered. There "
                     "is at most one reminder a day."))


@require_POST
def agency_survey_close(request, pk):
    return _action(request, pk, agency.survey_close,
                   _("The survey is closed. Its links no longer work."))
