"""The support agency's pages: no account. The emailed link shows a page with one button; its
POST claims the link and moves the visit into the session (core's link pages:
yorozu/core/link_views.py). A wrong, used, expired or tampered token, and a closed survey,
answer the same 404 as any missing page."""

from django.http import Http404
from django.shortcuts import render

from yorozu.core.link_views import link_open_view, link_visit_view
from yorozu.core.links import MAX_TOKEN_LENGTH, token_hash

from . import agency, links
from .agency_forms import AnswerForm
from .models import AgencyInvitation, AgencySurvey


def _open_survey_of(token: str) -> dict | None:
    """The open page names the survey; the link of a survey no longer open answers 404."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    invitation = (AgencyInvitation.objects.filter(token_hash=token_hash(token),
                                                  survey__status=AgencySurvey.Status.OPEN)
                  .select_related("survey__hub").first())
    return {"survey": invitation.survey} if invitation else None


agency_open = link_open_view(links.AGENCY, template="evaluation/surveys/agency_open.html",
                             visit="survey_agency_answer", context=_open_survey_of)


@link_visit_view(links.AGENCY)
def agency_answer(request, invitation):
    survey = (AgencySurvey.objects.select_related("hub")
              .filter(pk=invitation.survey_id, status=AgencySurvey.Status.OPEN).first())
    if not survey:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = agency.response_save(invitation=invitation, data=form.cleaned_data)
        links.AGENCY.end(request.session)
        if not saved:
            raise Http404
        return render(request, "evaluation/surveys/agency_thanks.html", {"survey": survey})
    return render(request, "evaluation/surveys/agency_answer.html",
                  {"survey": survey, "form": form})
