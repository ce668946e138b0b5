"""The support agency's pages. No account: a one-time link opens the referral in the visitor's
session. A wrong, used or expired token, and a visit that has run out, all answer the same
404 as any missing page, so a guesser learns nothing.

What the hub handed over must not be kept by a shared computer's browser: never_cache sends
Cache-Control: no-store. (The address never leaves in a Referer: SECURE_REFERRER_POLICY is
same-origin. "no-referrer" would make browsers send "Origin: null" with the form, which CSRF
protection rightly refuses.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from . import referrals
from .forms import AgencyReportForm
from .models import Referral
from .services import WorkflowError


@login_not_required
@never_cache
@ratelimit(key="ip", rate="20/h", block=True)
def referral_open(request, token):
    """GET shows a page with one button; only its POST uses the link up. Mail security
    scanners fetch every link in an email before the agency does, and must not burn it."""
    if len(token) > 100:
        raise Http404
    if request.method == "POST":
        if not referrals.link_open(token=token, session=request.session):
            raise Http404
        # From here on the token is in no address bar, history, bookmark or Referer.
        return redirect("referral_visit")
    if not referrals.link_usable(token=token):
        raise Http404
    return render(request, "consultations/referral_open.html")


@login_not_required
@never_cache
@ratelimit(key="ip", rate="60/h", method="POST", block=True)
def referral_visit(request):
    link = referrals.visit_link(request.session)
    if link is None:
        raise Http404
    referral = link.referral
    form = AgencyReportForm(request.POST if request.POST.get("action") == "report" else None)
    if request.method == "POST":
        done = _act(request, referral, form)
        if done:
            return render(request, "consultations/referral_visit.html",
                          {"referral": done, "done": True})
    return render(request, "consultations/referral_visit.html",
                  {"referral": referral, "form": form,
                   "can_acknowledge": referral.status == Referral.Status.SENT,
                   "can_report": referral.status in (Referral.Status.SENT,
                                                     Referral.Status.ACKNOWLEDGED,
                                                     Referral.Status.ACTING)})


def _act(request, referral, form):
    """Returns the referral when the agency's answer is complete (the visit then ends)."""
    action = request.POST.get("action")
    try:
        if action in ("acknowledge", "acting"):
            referrals.agency_acknowledge(referral=referral, acting=action == "acting")
            referral.refresh_from_db()
            messages.success(request, _("Thank you. The hub has been told that you received "
                                        "the referral. We will email you a link for reporting "
                                        "back later; you can also report now below."))
            return None
        if action == "report" and form.is_valid():
            referral = referrals.agency_report(referral=referral,
                                               note=form.cleaned_data["note"])
            referrals.visit_end(request.session)
            return referral
    except WorkflowError:
        referral.refresh_from_db()
    return None
