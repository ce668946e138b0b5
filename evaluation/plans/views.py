"""Pages for a hub's annual plan. Views stay thin: the hub and the plan come through the scoping
layer (another hub's plan is a 404 like a missing one; a plan the role sees but may not act on
is a 403), and every write goes through plans/services.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST, require_safe

from consultations.conflicts import ConflictRow
from evaluation.plans.permissions import COMMENT_PLAN, EDIT_PLAN, REVIEW_PLAN, VIEW_PLAN
from evaluation.surveys.agency_selectors import agency_survey_for_year
from hubs.access import authorise, hub_access, require
from hubs.scoping import hub_for_user_or_404
from yorozu.core import fiscal, years
from yorozu.core.downloads import requested_format
from yorozu.core.tables import filter_query, remembered_filter, table_file, table_for
from yorozu.core.versioned import submit_versioned

from . import content as plan_content
from . import selectors, services
from .forms import ConfirmForm, PlanForm, SectionCommentForm
from .models import SECTIONS, AnnualPlan
from .tables import PlanQueueTable

Status = AnnualPlan.Status
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _hub(request, jis_code, fiscal_year):
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        raise Http404
    return hub_for_user_or_404(request.user, jis_code, VIEW_PLAN)


def _plan(request, jis_code, fiscal_year, perm: str | None = None):
    """The hub's plan for the year: 404 for a hub or plan the user cannot see, then 403 when
    the user sees it but does not hold `perm` there."""
    hub = _hub(request, jis_code, fiscal_year)
    plan = selectors.plan_for(user=request.user, hub=authorise(request.user, VIEW_PLAN, hub),
                              fiscal_year=fiscal_year)
    if plan is None:
        raise Http404
    if perm:
        require(request.user, perm, hub)
    return hub, plan


def _back(plan_or_hub, fiscal_year=None):
    hub = getattr(plan_or_hub, "hub", plan_or_hub)
    year = fiscal_year or plan_or_hub.fiscal_year
    return redirect("plans:plan_detail", jis_code=hub.jis_code, fiscal_year=year)


def _state_error(request) -> None:
    messages.error(request, _("The plan's status does not allow this any more: someone may "
                              "have acted on it meanwhile. The page shows where it stands "
                              "now."))


# --- The bureau's review queue ----------------------------------------------------------------
@require_safe
def plan_review_queue(request):
    """Every hub the bureau reviews plans of, with its plan's status for the year picked;
    downloadable as the page shows it. The plan page, one tap away, has the review's
    actions (start, accept, return)."""
    if not hub_access(request.user).anywhere(REVIEW_PLAN):
        raise PermissionDenied
    if (back := remembered_filter(request)) is not None:
        return back
    picker = years.year_picker(request)
    year = picker.year
    table = PlanQueueTable(selectors.review_queue(user=request.user, fiscal_year=year),
                           fiscal_year=year)
    if chosen := requested_format(request):
        return table_file(table, request, chosen=chosen, sheet="事業計画の審査",
                          filename=f"事業計画の審査_{year}年度", fallback=f"plan-review-{year}")
    # At most a bureau's hubs: one page, no count query.
    table = table_for(table, request, per_page=None)
    return render(request, "evaluation/plans/plan_review_page.html", {
        "table": table, "picker": picker, "year": year, "query": filter_query(request)})


# --- The plan page ----------------------------------------------------------------------------
@require_safe
def plan_detail(request, jis_code, fiscal_year):
    return _detail_page(request, jis_code, fiscal_year)


def _detail_page(request, jis_code, fiscal_year, *, comment_form=None, return_form=None):
    """The plan page; after an invalid comment or return, with that form's input and errors."""
    hub = _hub(request, jis_code, fiscal_year)
    authorised = authorise(request.user, VIEW_PLAN, hub)
    page = selectors.plan_page(user=request.user, hub=authorised, fiscal_year=fiscal_year)
    plan = page["plan"]
    access = hub_access(request.user)
    can_edit_plan = access.can(EDIT_PLAN, hub.pk)
    can_review = access.can(REVIEW_PLAN, hub.pk)
    confirming = (services.confirming_roles(user=request.user, hub_id=hub.pk)
                  if plan and can_edit_plan and plan.is_editable else set())
    return render(request, "evaluation/plans/plan_detail.html", {
        **page,
        "hub": hub, "fiscal_year": fiscal_year,
        "year_label": fiscal.fiscal_year_label(fiscal_year),
        "can_start": plan is None and can_edit_plan,
        "can_edit": bool(plan and can_edit_plan and plan.is_editable),
        "can_confirm": bool(confirming),
        "already_confirmed": bool(plan and (
            ("chief" in confirming and plan.chief_confirmed_by_id == request.user.pk)
            or ("impl_org" in confirming and plan.org_confirmed_by_id == request.user.pk))),
        "can_start_review": bool(plan and can_review and plan.status == Status.SUBMITTED),
        "can_decide": _can_decide(request, hub, plan),
        "can_revise": bool(plan and can_edit_plan and plan.status == Status.ACCEPTED),
        "can_comment": bool(plan and access.can(COMMENT_PLAN, hub.pk)),
        "comment_form": comment_form or SectionCommentForm(prefix="comment"),
        "return_form": return_form or SectionCommentForm(prefix="return"),
        # What the prefecture's support agencies said, for the regional analysis.
        "agency_survey": agency_survey_for_year(hub=authorised, fiscal_year=fiscal_year),
    })


def _can_decide(request, hub, plan) -> bool:
    """Whether the page offers the bureau's return and accept (plan_return, plan_accept check
    the same again when posted)."""
    return bool(plan and hub_access(request.user).can(REVIEW_PLAN, hub.pk)
                and plan.status in services.UNDER_REVIEW)


@require_POST
def plan_start(request, jis_code, fiscal_year):
    hub = _hub(request, jis_code, fiscal_year)
    require(request.user, EDIT_PLAN, hub)
    plan = services.plan_get_or_create(hub=hub, fiscal_year=fiscal_year, by=request.user)
    if plan.is_editable:
        return redirect("plans:plan_edit", jis_code=hub.jis_code, fiscal_year=fiscal_year)
    return _back(plan)


# --- Editing ----------------------------------------------------------------------------------
def plan_edit(request, jis_code, fiscal_year):
    hub, plan = _plan(request, jis_code, fiscal_year, EDIT_PLAN)
    if not plan.is_editable:
        messages.error(request, _("Only a draft or a returned plan can be edited. To change an "
                                  "accepted plan, reopen it for revision first."))
        return _back(plan)
    indicators = plan_content.indicators_for(selectors.policy_for(fiscal_year))
    stored = plan_content.normalize(plan_content.snapshot(plan), indicators)
    form = PlanForm(request.POST if request.method == "POST" else None, plan=plan, hub=hub,
                    indicators=indicators, stored=stored)
    try:
        outcome = submit_versioned(request, form, lambda f: services.plan_update(
            plan=plan, by=request.user, content=f.content(), version=f.started_from()))
    except services.WorkflowError:
        _state_error(request)
        return _back(plan)
    if outcome.saved:
        messages.success(request, _("Saved the plan. Any confirmations were withdrawn: "
                                    "the chief coordinator and the implementing "
                                    "organization confirm the plan as it now reads."))
        return _back(plan)
    conflict = None
    if outcome.conflict is not None:
        plan = outcome.conflict
        conflict = _conflict_rows(form.content(), plan_content.snapshot(plan))
    return render(request, "evaluation/plans/plan_edit.html", {
        "hub": hub, "plan": plan, "form": form, "conflict": conflict,
        "fiscal_year": fiscal_year, "year_label": fiscal.fiscal_year_label(fiscal_year),
        "month_labels": plan_content.month_labels(),
        "has_agencies": form.has_agencies(),
    }, status=outcome.status)


def _conflict_rows(mine: dict, saved: dict) -> list[ConflictRow]:
    return [ConflictRow(str(label), plan_content.render_text(mine, key),
                        plan_content.render_text(saved, key)) for key, label in SECTIONS]


# --- The workflow -----------------------------------------------------------------------------
@require_POST
def plan_confirm(request, jis_code, fiscal_year):
    hub, plan = _plan(request, jis_code, fiscal_year, EDIT_PLAN)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The plan was changed after you opened it. Read it as it "
                                  "now stands, then confirm again."))
        return _back(hub, fiscal_year)
    version = form.cleaned_data["version"]
    try:
        plan = services.plan_confirm(plan=plan, by=request.user, version=version)
    except services.EditConflict:
        messages.error(request, _("The plan was changed after you opened it. Read it as it "
                                  "now stands, then confirm again."))
    except services.PlanIncomplete as incomplete:
        messages.error(request, _("The plan cannot be confirmed yet: give each priority area "
                                  "a measure and a target for the year (priority %(numbers)s).")
                       % {"numbers": pgettext("between items of a list", ", ").join(
                           str(n) for n, _p, _l in incomplete.priorities)})
    except services.WorkflowError:
        if not plan.is_editable:
            _state_error(request)
        else:
            messages.error(request, _("Only the chief coordinator and the implementing "
                                      "organization confirm the plan."))
    else:
        if plan.status == Status.SUBMITTED:
            messages.success(request, _("Both confirmations are in: the plan was submitted to "
                                        "the bureau as version %(number)s.")
                             % {"number": plan.versions.count()})
        else:
            messages.success(request, _("Confirmed. The plan is submitted when the other side "
                                        "confirms it too."))
    return _back(plan)


def _transition(request, jis_code, fiscal_year, perm, service, done):
    """The simple workflow steps: the step, or a message that the plan's state does not
    allow it. Returns the plan and whether the step was taken."""
    _hub, plan = _plan(request, jis_code, fiscal_year, perm)
    try:
        service(plan=plan, by=request.user)
    except services.WorkflowError:
        _state_error(request)
        return plan, False
    messages.success(request, done)
    return plan, True


@require_POST
def plan_start_review(request, jis_code, fiscal_year):
    plan, _done = _transition(request, jis_code, fiscal_year, REVIEW_PLAN,
                              services.plan_start_review,
                              _("Started the review. The hub sees that the bureau is "
                                "reviewing its plan."))
    return _back(plan)


@require_POST
def plan_return(request, jis_code, fiscal_year):
    hub, plan = _plan(request, jis_code, fiscal_year, REVIEW_PLAN)
    form = SectionCommentForm(request.POST, prefix="return")
    if not form.is_valid():
        if plan.status not in services.UNDER_REVIEW:
            _state_error(request)
            return _back(plan)
        messages.error(request, _("To return the plan, choose the section to revise and say "
                                  "what should change."))
        return _detail_page(request, jis_code, fiscal_year, return_form=form)
    try:
        services.plan_return(plan=plan, by=request.user, section=form.cleaned_data["section"],
                             comment_text=form.cleaned_data["text"])
    except services.WorkflowError:
        _state_error(request)
    else:
        messages.success(request, _("Returned the plan to the hub for revision, with your "
                                    "comment."))
    return _back(plan)


@require_POST
def plan_accept(request, jis_code, fiscal_year):
    plan, _done = _transition(request, jis_code, fiscal_year, REVIEW_PLAN,
                              services.plan_accept,
                              _("Accepted the plan. The hub is notified by email."))
    return _back(plan)


@require_POST
def plan_revise(request, jis_code, fiscal_year):
    plan, done = _transition(request, jis_code, fiscal_year, EDIT_PLAN, services.plan_revise,
                             _("Reopened the plan for a mid-year revision. The accepted "
                               "version stays in force until the bureau accepts the "
                               "revision."))
    if not done:
        return _back(plan)
    return redirect("plans:plan_edit", jis_code=jis_code, fiscal_year=fiscal_year)


@require_POST
def plan_comment(request, jis_code, fiscal_year):
    hub, plan = _plan(request, jis_code, fiscal_year, COMMENT_PLAN)
    form = SectionCommentForm(request.POST, prefix="comment")
    if not form.is_valid():
        return _detail_page(request, jis_code, fiscal_year, comment_form=form)
    services.comment_add(plan=plan, by=request.user, section=form.cleaned_data["section"],
                         text=form.cleaned_data["text"])
    messages.success(request, _("Added your comment."))
    return _back(plan)


# --- Versions ---------------------------------------------------------------------------------
def _number(request, name):
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise Http404 from exc


@require_safe
def plan_diff(request, jis_code, fiscal_year):
    """Two versions side by side, section by section: by default the latest and the one
    before it; ?from=1&to=3 for any two."""
    hub, plan = _plan(request, jis_code, fiscal_year)
    versions = {v.number: v for v in selectors.versions(plan)}
    to_number = _number(request, "to") or max(versions, default=None)
    from_number = _number(request, "from") or (to_number - 1 if to_number else None)
    old, new = versions.get(from_number), versions.get(to_number)
    chosen = "from" in request.GET or "to" in request.GET
    if chosen and (old is None or new is None):
        raise Http404  # a version the plan does not have
    answered, comments = selectors.comments_answered(new, versions) if new else (None, [])
    return render(request, "evaluation/plans/plan_diff.html", {
        "hub": hub, "plan": plan, "fiscal_year": fiscal_year,
        "year_label": fiscal.fiscal_year_label(fiscal_year),
        "old": old, "new": new, "versions": list(versions.values()),
        "diff": [(label, lines, any(line.kind != " " for line in lines))
                 for label, lines in selectors.section_diff(old, new)] if old and new else None,
        "answered": answered, "answered_comments": comments,
        # The decision concerns the version under review, the latest: offered beside it only.
        "can_decide": bool(new and new.number == max(versions)
                           and _can_decide(request, hub, plan)),
        "return_form": SectionCommentForm(prefix="return"),
    })
