"""The client's survey pages, reached through the emailed one-time link, without an account.

A wrong, used, expired or tampered token, and a visit that has run out or was answered, all
answer the same 404 as any missing page: a guesser learns nothing, not even that a link
existed. The pages are not kept by the browser (Cache-Control: no-store): the computer may be
shared."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from . import links
from .models import SatisfactionInvitation
from .satisfaction import AlreadyAnswered, response_save
from .satisfaction_forms import SatisfactionForm


@login_not_required
@never_cache
@ratelimit(key="ip", rate="20/h", block=True)
def satisfaction_open(request, token):
    """GET shows one button and uses nothing up: mail scanners fetch every link in an email
    before the client does. The button's POST claims the link."""
    if request.method == "POST":
        if not links.link_open(SatisfactionInvitation, token, request.session):
            raise Http404
        # From here on the token is in no address bar, history, bookmark or Referer.
        return redirect("survey_satisfaction_answer")
    if not links.link_usable(SatisfactionInvitation, token):
        raise Http404
    return render(request, "evaluation/surveys/satisfaction_open.html")


@login_not_required
@never_cache
@ratelimit(key="ip", rate="60/h", method="POST", block=True)
def satisfaction_answer(request):
    invitation = links.visit_invitation(SatisfactionInvitation, request.session)
    if invitation is None:
        raise Http404
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            response_save(invitation=invitation, data=form.cleaned_data)
        except AlreadyAnswered as exc:
            raise Http404 from exc
        links.visit_end(request.session)
        return render(request, "evaluation/surveys/satisfaction_thanks.html")
    return render(request, "evaluation/surveys/satisfaction_answer.html",
                  {"form": form, "invitation_hub": invitation.hub.name})

