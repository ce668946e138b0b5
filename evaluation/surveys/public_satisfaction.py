"""The client's survey pages, reached through the emailed one-time link, without an account
(core's link pages: yorozu/core/link_views.py).

A wrong, used, expired or tampered token, and a visit that has run out or was answered, all
answer the same 404 as any missing page: a guesser learns nothing, not even that a link
existed. The pages are not kept by the browser (Cache-Control: no-store): the computer may be
shared."""

from django.http import Http404
from django.shortcuts import render

from yorozu.core.link_views import link_open_view, link_visit_view

from . import links
from .satisfaction import AlreadyAnswered, response_save
from .satisfaction_forms import SatisfactionForm

satisfaction_open = link_open_view(links.SATISFACTION,
                                   template="evaluation/surveys/satisfaction_open.html",
                                   visit="survey_satisfaction_answer")


@link_visit_view(links.SATISFACTION)
def satisfaction_answer(request, invitation):
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            response_save(invitation=invitation, data=form.cleaned_data)
        except AlreadyAnswered as exc:
            raise Http404 from exc
        links.SATISFACTION.end(request.session)
        return render(request, "evaluation/surveys/satisfaction_thanks.html")
    return render(request, "evaluation/surveys/satisfaction_answer.html",
                  {"form": form, "invitation_hub": invitation.hub.name})
