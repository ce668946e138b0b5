"""The support agency's pages: no account. The emailed link shows a page with one button (mail
scanners fetch links and must not use them up); its POST claims the link, moves the visit into
the session and leaves the token out of the address bar. A wrong, used, expired or tampered
token, and a closed survey, answer the same 404 as any missing page."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from . import agency, links
from .agency_forms import AnswerForm
from .models import AgencyInvitation, AgencySurvey


def _open_survey_of(token: str) -> AgencySurvey | None:
    if len(token) > links.MAX_TOKEN_LENGTH:
        return None
    invitation = (AgencyInvitation.objects.filter(token_hash=links.token_hash(token),
                                                  survey__status=AgencySurvey.Status.OPEN)
                  .select_related("survey__hub").first())
    return invitation.survey if invitation else None


@login_not_required
@never_cache
@ratelimit(key="ip", rate="20/h", block=True)
def agency_open(request, token):
    survey = _open_survey_of(token)
    if survey is None:
        raise Http404
    if request.method == "POST":
        if not links.link_open(AgencyInvitation, token, request.session):
            raise Http404
        return redirect("survey_agency_answer")
    if not links.link_usable(AgencyInvitation, token):
        raise Http404
    return render(request, "evaluation/surveys/agency_open.html", {"survey": survey})


@login_not_required
@never_cache
@ratelimit(key="ip", rate="60/h", method="POST", block=True)
def agency_answer(request):
    invitation = links.visit_invitation(AgencyInvitation, request.session)
    survey = invitation and (AgencySurvey.objects.select_related("hub")
                             .filter(pk=invitation.survey_id,
                                     status=AgencySurvey.Status.OPEN).first())
    if not survey:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = agency.response_save(invitation=invitation, data=form.cleaned_data)
        links.visit_end(request.session)
        if not saved:
            raise Http404
        return render(request, "evaluation/surveys/agency_thanks.html", {"survey": survey})
    return render(request, "evaluation/surveys/agency_answer.html",
                  {"survey": survey, "form": form})

