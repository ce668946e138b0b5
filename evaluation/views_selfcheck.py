"""Self-check pages. A self-check is personal: its owner edits it until submitting; the hub's
chief coordinator reads a coordinator's submitted one and reviews it; anyone else gets a 404,
exactly as for a missing one. The hub, its implementing organization and HQ see the summary,
which shows averages and counts only. Bureaus have no part in self-checks: 404 on every
self-check page of a hub."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from evaluation.permissions import REVIEW_SELF_CHECKS, SELF_CHECK, VIEW_SELF_CHECK_SUMMARY
from hubs.access import hub_access, require
from hubs.scoping import hub_for_user_or_404
from yorozu.core import fiscal
from yorozu.core.tables import table_for

from . import selfchecks
from .models import SelfCheck
from .selectors import evaluation_year
from .tables import AwaitingSelfCheckTable, ReviewedSelfCheckTable

COMMENT_MAX = 2000


# --- Forms -----------------------------------------------------------------------------------
class SelfCheckForm(forms.Form):
    """One level (a radio group labelled by the item's four descriptors) and one comment per
    item. Submitting needs every level; saving a draft does not."""

    def __init__(self, *args, ratings, submit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.ratings, self.submit = ratings, submit
        for rating in ratings:
            item = rating.item
            self.fields[f"level_{item.pk}"] = forms.TypedChoiceField(
                label=f"{item.code} {item.behaviour}", choices=item.descriptors, coerce=int,
                required=False, empty_value=None, initial=rating.level,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=gettext_lazy("Comment"), required=False, max_length=COMMENT_MAX,
                initial=rating.comment,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def clean(self):
        cleaned = super().clean()
        if self.submit:
            for rating in self.ratings:
                name = f"level_{rating.item_id}"
                if name not in self.errors and cleaned.get(name) is None:
                    self.add_error(name, _("Choose a level to submit the self-check."))
        return cleaned

    def answers(self) -> dict:
        return {r.item_id: (self.cleaned_data[f"level_{r.item_id}"],
                            self.cleaned_data[f"comment_{r.item_id}"]) for r in self.ratings}

    def rows(self) -> list[dict]:
        """The items grouped by area, each with its two fields, for the template."""
        areas: list[dict] = []
        for rating in self.ratings:
            area = rating.item.area
            if not areas or areas[-1]["area"].pk != area.pk:
                areas.append({"area": area, "rows": []})
            areas[-1]["rows"].append({"item": rating.item,
                                      "level": self[f"level_{rating.item_id}"],
                                      "comment": self[f"comment_{rating.item_id}"]})
        return areas


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Your comment to the coordinator"), max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The coordinator sees it with their self-check."))


# --- Helpers ---------------------------------------------------------------------------------
def _visible_or_404(request, pk) -> SelfCheck:
    try:
        return selfchecks.self_check_for(user=request.user, pk=pk)
    except (SelfCheck.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _areas(ratings) -> list[dict]:
    areas: list[dict] = []
    for rating in ratings:
        area = rating.item.area
        if not areas or areas[-1]["area"].pk != area.pk:
            areas.append({"area": area, "ratings": []})
        rating.descriptor = dict(rating.item.descriptors).get(rating.level, "")
        areas[-1]["ratings"].append(rating)
    return areas


def _render_self_check(request, self_check, *, form=None, review_form=None, status=200):
    ratings = selfchecks.self_check_ratings(self_check)
    if form is None and selfchecks.can_edit(request.user, self_check):
        form = SelfCheckForm(ratings=ratings)
    can_review = (selfchecks.may_review(request.user, self_check)
                  and self_check.status == SelfCheck.Status.SUBMITTED)
    if can_review and review_form is None:
        review_form = ReviewForm()
    return render(request, "evaluation/selfcheck_edit.html", {
        "self_check": self_check,
        "period": selfchecks.period_label(self_check.fiscal_year, self_check.half),
        "is_owner": self_check.user_id == request.user.pk,
        "form": form,
        "areas": None if form is not None else _areas(ratings),
        "review_form": review_form if can_review else None,
    }, status=status)


# --- Pages -----------------------------------------------------------------------------------
def selfcheck_mine(request):
    """The user's own self-checks, and this half-year's to start or continue."""
    if not hub_access(request.user).anywhere(SELF_CHECK):
        raise PermissionDenied
    fiscal_year, half = selfchecks.current_period()
    checks = list(selfchecks.my_self_checks(user=request.user))
    for check in checks:
        check.period = selfchecks.period_label(check.fiscal_year, check.half)
    hubs = selfchecks.self_check_hubs(user=request.user)
    awaiting = selfchecks.awaiting_review_counts(user=request.user)
    for hub in hubs:
        hub.current = next((c for c in checks if c.hub_id == hub.pk
                            and (c.fiscal_year, c.half) == (fiscal_year, half)), None)
        hub.awaiting = awaiting.get(hub.pk, 0)
    return render(request, "evaluation/selfcheck_mine.html", {
        "checks": checks,
        "hubs": hubs,
        "guideline": selfchecks.published_guideline(fiscal_year),
        "fiscal_year_label": fiscal.fiscal_year_label(fiscal_year),
        "period": selfchecks.period_label(fiscal_year, half),
    })


@require_POST
def selfcheck_start(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_SELF_CHECK_SUMMARY)
    require(request.user, SELF_CHECK, hub)
    try:
        self_check = selfchecks.self_check_start(user=request.user, hub=hub)
    except selfchecks.GuidelineNotPublished:
        messages.error(request, _("HQ has not published this year's guideline yet, so there "
                                  "is nothing to rate yourself on."))
        return redirect("evaluation:selfcheck_mine")
    except selfchecks.WorkflowError as exc:
        raise PermissionDenied from exc
    return redirect("evaluation:selfcheck_edit", pk=self_check.pk)


def selfcheck_edit(request, pk):
    self_check = _visible_or_404(request, pk)
    if request.method != "POST":
        return _render_self_check(request, self_check)
    if self_check.user_id != request.user.pk:
        raise PermissionDenied
    if not selfchecks.can_edit(request.user, self_check):
        messages.info(request, _("This self-check has been submitted and can no longer be "
                                 "changed."))
        return redirect("evaluation:selfcheck_edit", pk=self_check.pk)
    submit = request.POST.get("action") == "submit"
    ratings = selfchecks.self_check_ratings(self_check)
    form = SelfCheckForm(request.POST, ratings=ratings, submit=submit)
    if form.is_valid():
        try:
            selfchecks.self_check_save(self_check=self_check, by=request.user,
                                       answers=form.answers(), submit=submit)
        except selfchecks.NotEditable:
            messages.info(request, _("This self-check has been submitted and can no longer "
                                     "be changed."))
        except selfchecks.Incomplete as exc:  # the form checks this first; kept for safety
            for item_id in exc.item_ids:
                form.add_error(f"level_{item_id}", _("Choose a level to submit the "
                                                     "self-check."))
            return _render_self_check(request, self_check, form=form)
        else:
            if submit:
                messages.success(request, _("Submitted your self-check."))
            else:
                messages.success(request, _("Saved your self-check as a draft. You can come "
                                            "back and finish it later."))
        return redirect("evaluation:selfcheck_edit", pk=self_check.pk)
    return _render_self_check(request, self_check, form=form)


@require_POST
def selfcheck_review(request, pk):
    self_check = _visible_or_404(request, pk)
    if not selfchecks.may_review(request.user, self_check):
        raise PermissionDenied
    if self_check.status != SelfCheck.Status.SUBMITTED:
        messages.info(request, _("This self-check is not awaiting review."))
        return redirect("evaluation:selfcheck_edit", pk=self_check.pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_self_check(request, self_check, review_form=form)
    try:
        selfchecks.self_check_review(self_check=self_check, by=request.user,
                                     comment=form.cleaned_data["comment"])
    except selfchecks.NotEditable:
        messages.info(request, _("This self-check is not awaiting review."))
        return redirect("evaluation:selfcheck_edit", pk=self_check.pk)
    messages.success(request, _("Marked the self-check of %(name)s as reviewed.")
                     % {"name": self_check.user})
    return redirect("evaluation:selfcheck_review_list", jis_code=self_check.hub.jis_code)


REVIEWED_PER_PAGE = 20  # as many as the page showed before it was paged


def selfcheck_review_list(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_SELF_CHECK_SUMMARY)
    require(request.user, REVIEW_SELF_CHECKS, hub)
    awaiting, reviewed = selfchecks.review_queue(user=request.user, hub=hub)
    # Awaiting review: a few (the hub's coordinators, a half-year each), one page. The
    # reviewed ones grow every half-year: paged, newest first.
    awaiting = table_for(AwaitingSelfCheckTable(awaiting, prefix="awaiting-"), request,
                         per_page=None)
    reviewed = table_for(ReviewedSelfCheckTable(reviewed, order_by="-reviewed_at",
                                                prefix="reviewed-"), request,
                         per_page=REVIEWED_PER_PAGE)
    return render(request, "evaluation/selfcheck_review_list.html",
                  {"hub": hub, "awaiting": awaiting, "reviewed": reviewed})


def selfcheck_summary(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_SELF_CHECK_SUMMARY)
    picker = evaluation_year(request)
    trend = selfchecks.self_check_trend(user=request.user, hub=hub, fiscal_year=picker.year)
    return render(request, "evaluation/selfcheck_summary.html",
                  {"hub": hub, "trend": trend, "picker": picker})
