"""HQ's hearings: schedule one per hub and year, record it, score the hub against the
guideline item by item (saved as one goes, with htmx), finalise, reopen, publish."""

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from evaluation.permissions import EVALUATE, VIEW_SELF_CHECK_SUMMARY
from evaluation.selfstudy import selectors as self_study_selectors
from evaluation.selfstudy.permissions import VIEW_SELF_STUDY
from hubs.access import authorise, require
from hubs.scoping import get_for_user_or_404, hub_for_user_or_404
from yorozu.core import fiscal
from yorozu.core.downloads import requested_format
from yorozu.core.tables import filter_query, remembered_filter, table_file, table_for
from yorozu.core.versioned import submit_versioned

from . import selectors, services
from .forms import HearingForm, MineOnlyForm, ReopenForm, ScoreForm
from .models import Hearing, Item
from .tables import HearingTable


def _hearing(request, pk) -> Hearing:
    return get_for_user_or_404(Hearing.objects.select_related("hub", "guideline", "lead"),
                               request.user, EVALUATE, pk=pk)


def hearing_list(request):
    require(request.user, EVALUATE)
    if (back := remembered_filter(request)) is not None:
        return back
    published = selectors.published_guidelines()
    picker = selectors.evaluation_year(request, published)
    year = picker.year
    mine = MineOnlyForm(request.GET)
    guideline = published.get(year)
    # hearing_schedule schedules the current year's hearing only
    can_schedule = year == fiscal.current_fiscal_year()
    hubs = selectors.hubs_with_hearings(
        fiscal_year=year, led_by=request.user if mine.mine_only() else None)
    table = HearingTable(hubs, can_schedule=bool(guideline and can_schedule))
    if chosen := requested_format(request):
        return table_file(table, request, chosen=chosen, sheet="ヒアリング",
                          filename=f"ヒアリング一覧_{year}年度", fallback=f"hearings-{year}")
    # At most the 47 hubs: one page, no count query.
    table = table_for(table, request, per_page=None)
    return render(request, "evaluation/hearing_list.html", {
        "year": year, "year_label": fiscal.fiscal_year_label(year), "picker": picker,
        "table": table, "mine": mine, "query": filter_query(request),
        "guideline": guideline, "can_schedule": can_schedule,
    })


def hearing_schedule(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, EVALUATE)
    year = fiscal.current_fiscal_year()
    existing = Hearing.objects.filter(hub=hub, fiscal_year=year).first()
    if existing:
        return redirect("evaluation:hearing_detail", pk=existing.pk)
    form = HearingForm(request.POST or None, initial={"lead": request.user.pk,
                                                      "held_on": fiscal.today()})
    if request.method == "POST" and form.is_valid():
        try:
            record = {name: form.cleaned_data[name] for name in services.RECORD_FIELDS}
            hearing = services.hearing_schedule(hub=hub, fiscal_year=year, by=request.user,
                                                **record)
        except IntegrityError:  # a colleague scheduled it at the same moment: show theirs
            return redirect("evaluation:hearing_detail",
                            pk=Hearing.objects.get(hub=hub, fiscal_year=year).pk)
        except services.WorkflowError:
            messages.error(request, _("Publish this fiscal year's guideline before scheduling "
                                      "hearings: scores are given against it."))
        else:
            messages.success(request, _("Scheduled the hearing."))
            return redirect("evaluation:hearing_detail", pk=hearing.pk)
    return render(request, "core/record_form.html", {
        "form": form, "title": _("Schedule a hearing"), "subtitle": hub.name,
        "cancel_url": reverse("evaluation:hearing_list")})


def hearing_detail(request, pk):
    hearing = _hearing(request, pk)
    form = HearingForm(request.POST or None, instance=hearing)
    try:
        outcome = submit_versioned(request, form, lambda f: services.hearing_update(
            hearing=hearing, by=request.user, data=f.cleaned_data, version=f.started_from()))
    except services.WorkflowError:
        messages.error(request, _("The scores were finalised meanwhile, so the record can "
                                  "no longer be changed. Your input was not saved."))
        return redirect("evaluation:hearing_detail", pk=hearing.pk)
    if outcome.saved:
        messages.success(request, _("Saved."))
        return redirect("evaluation:hearing_detail", pk=hearing.pk)
    if outcome.conflict:  # shown as a message on the page (200), as it always has been
        messages.warning(request, _(
            "Someone else saved this hearing's record meanwhile. Your input is kept "
            "below and the saved notes are shown above it: save again to replace them."))
        hearing = outcome.conflict
    return render(request, "evaluation/hearing_detail.html", {
        "hearing": hearing, "form": form, "reopen_form": ReopenForm(),
        "evidence": selectors.evidence_pack(hub=authorise(request.user, EVALUATE, hearing.hub),
                                            fiscal_year=hearing.fiscal_year),
        "events": list(selectors.hearing_events(hearing)),
        "is_lead": hearing.lead_id == request.user.pk,
        # The hub's self-study per area, beside last year's levels (evaluation/selfstudy).
        "self_study": self_study_selectors.hearing_pack(
            hub=authorise(request.user, VIEW_SELF_STUDY, hearing.hub), hearing=hearing),
    })


def _comparing(request, hearing):
    """The hub as the scoring sheet reads its self-check levels: as their summary."""
    return authorise(request.user, VIEW_SELF_CHECK_SUMMARY, hearing.hub)


def hearing_score(request, pk):
    hearing = _hearing(request, pk)
    return render(request, "evaluation/hearing_score.html", {
        "hearing": hearing, **selectors.scoring_sheet(hearing=hearing,
                                                      hub=_comparing(request, hearing)),
        "is_lead": hearing.lead_id == request.user.pk,
    })


@require_POST
def score_save(request, pk, item_pk):
    """htmx: saves one item and answers with its row, showing a conflict instead of
    overwriting when someone else saved the item meanwhile."""
    hearing = _hearing(request, pk)
    item = get_object_or_404(Item.objects.select_related("area"), pk=item_pk,
                             area__guideline=hearing.guideline_id)
    form = ScoreForm(request.POST)
    context = {"hearing": hearing, "item": item, "mine": None, "saved": False}
    status = 200
    if not form.is_valid():
        status = 400
        item.score = hearing.scores.filter(item=item).first()
    else:
        data = form.cleaned_data

        def save(f):
            item.score = services.score_save(hearing=hearing, item=item, by=request.user,
                                             level=data["level"], evidence=data["evidence"],
                                             version=data["version"])
        try:
            outcome = submit_versioned(request, form, save)
        except services.WorkflowError:
            item.score, status = hearing.scores.filter(item=item).first(), 423
            context["locked"] = True
        else:
            context["saved"], status = outcome.saved, outcome.status
            if outcome.conflict is not None:
                item.score, context["mine"] = outcome.conflict, data
    if not request.htmx:  # without JavaScript: back to the whole page
        if status != 200:
            messages.warning(request, _("Item %(code)s was not saved: it changed meanwhile or "
                                        "is locked. Check it and choose again.")
                             % {"code": item.code})
        return redirect(f"{reverse('evaluation:hearing_score', args=[hearing.pk])}#score-{item.pk}")
    if status == 200:
        context["progress"] = selectors.scoring_progress(hearing)
        return render(request, "evaluation/_score_saved.html", context)
    selectors.with_comparisons([item], hearing=hearing, hub=_comparing(request, hearing))
    # The row explains the problem itself; base.html lets htmx swap 400, 409 and 423.
    response = render(request, "evaluation/_score_row.html", context, status=status)
    return reswap(retarget(response, f"#score-{item.pk}"), "outerHTML")


def _decide(request, pk, action, done):
    hearing = _hearing(request, pk)
    try:
        action(hearing)
    except services.WorkflowError:
        messages.error(request, _("That is not possible now. Only the hearing's HQ lead "
                                  "finalises, reopens and publishes; finalising needs a level "
                                  "for every item; publishing needs a finalised hearing."))
    else:
        messages.success(request, done)
    return redirect("evaluation:hearing_detail", pk=hearing.pk)


@require_POST
def hearing_finalise(request, pk):
    return _decide(request, pk, lambda h: services.hearing_finalise(hearing=h, by=request.user),
                   _("Finalised: the scores are locked."))


@require_POST
def hearing_reopen(request, pk):
    form = ReopenForm(request.POST)
    reason = form.data.get("reason", "")
    return _decide(request, pk, lambda h: services.hearing_reopen(hearing=h, by=request.user,
                                                                  reason=reason),
                   _("Reopened. The reason is kept in the hearing's record."))


@require_POST
def hearing_publish(request, pk):
    return _decide(request, pk, lambda h: services.hearing_publish(hearing=h, by=request.user),
                   _("Published: the hub and its bureau can now see the result."))
