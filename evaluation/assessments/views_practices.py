"""Best practices: HQ marks them from the year's top-scored items, the hub consents or
declines, HQ publishes them to every hub."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation.permissions import EVALUATE
from hubs.access import hub_access, require
from hubs.scoping import get_for_user_or_404
from yorozu.core import fiscal, years
from yorozu.core.errors import WorkflowError

from . import practices
from .forms import PracticeForm
from .models import BestPractice
from .permissions import CONSENT_PRACTICES, VIEW_ASSESSMENT


def practice_list(request, *, form=None):
    access = hub_access(request.user)
    if not access.anywhere(VIEW_ASSESSMENT):
        raise PermissionDenied
    picker = years.year_picker(request)
    hq = access.can(EVALUATE, None)
    if hq and form is None:
        form = PracticeForm(candidates=practices.candidates(fiscal_year=picker.year))
    rows = list(practices.practices_for(request.user).select_related("source_hub", "item")
                .order_by("-fiscal_year", "source_hub__jis_code", "pk")[:200])
    consenting = access.hub_ids(CONSENT_PRACTICES)
    for row in rows:
        row.can_answer = (row.status != BestPractice.Status.PUBLISHED and consenting is not None
                          and row.source_hub_id in consenting)
    return render(request, "evaluation/assessments/practice_list.html", {
        "picker": picker, "year": picker.year, "form": form if hq else None, "hq": hq,
        "published": [r for r in rows if r.status == BestPractice.Status.PUBLISHED],
        "pending": [r for r in rows if r.status != BestPractice.Status.PUBLISHED],
        "year_label": fiscal.fiscal_year_label(picker.year),
    })


@require_POST
def practice_mark(request):
    if not hub_access(request.user).can(EVALUATE, None):
        raise PermissionDenied
    year = years.year_picker(request).year
    form = PracticeForm(request.POST, candidates=practices.candidates(fiscal_year=year))
    if form.is_valid():
        hub, item = form.chosen()
        data = {k: form.cleaned_data[k] for k in ("title", "description", "evidence")}
        try:
            practices.practice_mark(hub=hub, fiscal_year=year, item=item, data=data,
                                    by=request.user)
        except WorkflowError as exc:
            form.add_error("candidate", str(exc))
        else:
            messages.success(request, _("Marked the practice. The hub is asked for its "
                                        "consent."))
            return redirect(f"{reverse('assessments:practice_list')}?year={year}")
    return practice_list(request, form=form)


def _practice(request, pk):
    return get_for_user_or_404(practices.practices_for(request.user).select_related("source_hub"),
                               request.user, VIEW_ASSESSMENT, pk=pk)


def _answer(request, pk, *, consent: bool):
    found = _practice(request, pk)
    require(request.user, CONSENT_PRACTICES, found.source_hub_id)
    try:
        practices.practice_answer(practice=found, consent=consent, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded the hub's consent.") if consent
                         else _("Recorded that the hub declines."))
    return redirect("assessments:practice_list")


@require_POST
def practice_consent(request, pk):
    return _answer(request, pk, consent=True)


@require_POST
def practice_decline(request, pk):
    return _answer(request, pk, consent=False)


@require_POST
def practice_publish(request, pk):
    found = _practice(request, pk)
    require(request.user, EVALUATE, found.source_hub_id)
    try:
        practices.practice_publish(practice=found, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Published the practice to all hubs."))
    return redirect("assessments:practice_list")
