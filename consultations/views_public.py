"""The support agency's pages. No account: a one-time link opens the referral in the visitor's
session (the open page and the visit's checks are core's: yorozu/core/link_views.py). A wrong,
used or expired token, and a visit that has run out, all answer the same 404 as any missing
page, so a guesser learns nothing; nothing is kept by a shared computer's browser.

(The address never leaves in a Referer: SECURE_REFERRER_POLICY is
same-origin. "no-referrer" would make browsers send "Origin: null" with the form, which CSRF
protection rightly refuses.)"""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _

from yorozu.core.link_views import link_open_view, link_visit_view

from . import referrals
from .forms import AgencyReportForm
from .models import Referral, ReferralLink
from .services import WorkflowError

referral_open = link_open_view(referrals.LINKS, template="consultations/referral_open.html",
                               visit="referral_visit")


def _visited_links():
    return ReferralLink.objects.select_related("referral__hub", "referral__agency",
                                               "referral__case__client", "referral__case__lead")


@link_visit_view(referrals.LINKS, queryset=_visited_links)
def referral_visit(request, link):
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
            referrals.LINKS.end(request.session)
            return referral
    except WorkflowError:
        referral.refresh_from_db()
    return None
