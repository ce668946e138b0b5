"""Pages for logging and following consultations. Views stay thin: every hub-owned row comes
through the scoping layer (hubs.scoping), every write through services."""

from functools import partial

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hubs.access import authorise, hub_access, require
from hubs.roles import CHANGE_RECORDS, VIEW_RECORDS
from hubs.scoping import (
    get_for_user_or_403,
    get_for_user_or_404,
    hub_for_user_or_404,
)
from yorozu.core.downloads import requested_format
from yorozu.core.tables import filter_query, remembered_filter, table_for
from yorozu.core.versioned import submit_versioned

from . import exports, referrals, selectors, services
from .conflicts import conflict_rows
from .filters import CaseFilter, FollowupFilter
from .forms import CaseForm, ClientForm, ReferralCloseForm, ReferralForm, SessionForm
from .models import Case, Client, Referral, Session
from .pages import client_sections
from .quicklog import QuickLog, search_choices
from .tables import CaseTable, ClientCaseTable, NextStepTable, ReferralTable
from .validators import clean_text

PAGE_SIZE = 50


def _writable(request, queryset, pk):
    return get_for_user_or_403(queryset, request.user, read=VIEW_RECORDS, write=CHANGE_RECORDS,
                               pk=pk)


def _log_read(request, client: Client, what: str) -> None:
    services.personal_data_read_log(user=request.user, client=client, hub_id=client.hub_id,
                                    what=what)


# --- Quick log -------------------------------------------------------------------------------
def quick_log(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_RECORDS)
    require(request.user, CHANGE_RECORDS, hub)
    log = QuickLog(request, hub)
    if request.method == "POST" and log.is_valid():
        try:
            session = log.save()
        except services.WorkflowError:
            messages.error(request, _("The case was closed meanwhile. Choose another case or "
                                      "open a new one."))
        else:
            messages.success(request, _("Saved the consultation with %(client)s.")
                             % {"client": session.case.client})
            return redirect("consultations:case_detail", pk=session.case_id)
    return render(request, "consultations/quick_log.html", {"hub": hub, "log": log})


def client_search(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_RECORDS)
    require(request.user, CHANGE_RECORDS, hub)
    # Cleaned like typed text: a NUL in the query would fail in PostgreSQL (a 500).
    q = clean_text(request.GET.get("q") or request.GET.get("client-name", ""))[:100]
    choices = search_choices(user=request.user, hub=hub, q=q,
                             target=request.GET.get("target", ""))
    return render(request, "consultations/_client_results.html",
                  {"clients": choices.clients, "q": q, "chosen": choices.chosen,
                   "choices": choices})


# --- Lists -----------------------------------------------------------------------------------
def case_list(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_RECORDS)
    if (back := remembered_filter(request)) is not None:
        return back
    can_change = hub_access(request.user).can(CHANGE_RECORDS, hub.pk)
    case_filter = CaseFilter(request.GET or None, hub=hub, mine=can_change)
    authorised, conditions = authorise(request.user, VIEW_RECORDS, hub), case_filter.conditions()
    cases = selectors.case_list(user=request.user, hub=authorised, filters=conditions)
    if chosen := requested_format(request):
        return exports.cases_file(cases, chosen=chosen, filename=f"案件一覧_{hub.prefecture_ja}",
                                  by=request.user, hub_id=hub.pk,
                                  filters=case_filter.described())
    if hub_access(request.user).is_national:
        services.personal_data_read_log(user=request.user, client=None, hub_id=hub.pk,
                                        what="case_list")
    count = partial(selectors.case_count, user=request.user, hub=authorised, filters=conditions)
    table = table_for(CaseTable(CaseTable.shown(cases), order_by="-opened_on", count=count),
                      request, per_page=PAGE_SIZE)
    return render(request, "consultations/case_list.html", {
        "hub": hub, "filter": case_filter, "table": table, "page": table.page,
        "can_change": can_change, "query": filter_query(request),
    })


def my_cases(request):
    cases = selectors.my_open_cases(user=request.user)
    table = table_for(CaseTable(CaseTable.shown(cases), order_by="-opened_on"), request,
                      per_page=PAGE_SIZE)
    return render(request, "consultations/my_cases.html", {"table": table, "page": table.page})


def followups(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_RECORDS)
    if (back := remembered_filter(request)) is not None:
        return back
    can_change = hub_access(request.user).can(CHANGE_RECORDS, hub.pk)
    mine = FollowupFilter(request.GET or None)
    today = selectors.fiscal.today()
    open_referrals, steps = selectors.followups(
        user=request.user, hub=authorise(request.user, VIEW_RECORDS, hub), today=today,
        mine=can_change and mine.mine_only())
    if chosen := requested_format(request):
        return exports.referrals_file(open_referrals, chosen=chosen,
                                      filename=f"フォローアップ_{hub.prefecture_ja}",
                                      by=request.user, hub_id=hub.pk)
    referrals = table_for(ReferralTable(ReferralTable.shown(open_referrals), today=today),
                          request, per_page=PAGE_SIZE)
    next_steps = table_for(NextStepTable(NextStepTable.shown(steps), today=today,
                                         prefix="steps-"), request, per_page=PAGE_SIZE)
    return render(request, "consultations/followups.html", {
        "hub": hub, "referrals": referrals, "steps": next_steps,
        "filter": mine if can_change else None, "query": filter_query(request),
    })


# --- A case ----------------------------------------------------------------------------------
def case_detail(request, pk):
    try:
        case = selectors.case_detail(user=request.user, pk=pk)
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    _log_read(request, case.client, "case")
    return render(request, "consultations/case_detail.html", {
        "case": case, "timeline": selectors.case_timeline(case=case),
        "can_change": hub_access(request.user).can(CHANGE_RECORDS, case.hub_id),
        "today": selectors.fiscal.today(),
    })


def _page(title, subtitle, cancel_url, **extra) -> dict:
    return {"title": title, "subtitle": subtitle, "cancel_url": cancel_url, **extra}


def _case_url(case_id) -> str:
    return reverse("consultations:case_detail", args=[case_id])


def _edit(request, *, obj, form, save, context):
    """The edit flow shared by cases, sessions and clients: a stale version shows the
    conflict screen with the user's input kept; nothing is overwritten silently."""
    outcome = submit_versioned(request, form, save)
    if outcome.saved:
        messages.success(request, _("Saved."))
        return None
    conflict = conflict_rows(form, outcome.conflict) if outcome.conflict else None
    return render(request, "core/record_form.html",
                  {"form": form, "object": obj, "conflict": conflict, **context},
                  status=outcome.status)


def case_edit(request, pk):
    case = _writable(request, Case.objects.select_related("client", "hub"), pk)
    form = CaseForm(request.POST or None, instance=case)
    response = _edit(request, obj=case, form=form,
                     save=lambda f: services.case_update(
                         case=case, by=request.user, data=f.cleaned_data,
                         topics=f.cleaned_data["topics"],
                         version=f.started_from()),
                     context=_page(_("Edit the case"), case.client.name, _case_url(case.pk)))
    return response or redirect("consultations:case_detail", pk=case.pk)


def session_create(request, pk):
    case = _writable(request, Case.objects.select_related("client", "hub"), pk)
    if case.status != Case.Status.OPEN:
        messages.error(request, _("This case is closed. Reopen it to add a session."))
        return redirect("consultations:case_detail", pk=case.pk)
    form = SessionForm(request.POST or None, hub=case.hub, user=request.user,
                       instance=Session(hub=case.hub, case=case))
    if request.method == "POST" and form.is_valid():
        services.session_create(case=case, by=request.user, data=form.cleaned_data,
                                coordinators=form.cleaned_data["coordinators"])
        messages.success(request, _("Saved the session."))
        return redirect("consultations:case_detail", pk=case.pk)
    return render(request, "core/record_form.html", {
        "form": form, **_page(_("Add a session"), case.client.name, _case_url(case.pk))})


def session_edit(request, pk):
    session = _writable(request, Session.objects.select_related("case__client", "hub"), pk)
    form = SessionForm(request.POST or None, hub=session.hub, instance=session)
    response = _edit(request, obj=session, form=form,
                     save=lambda f: services.session_update(
                         session=session, by=request.user, data=f.cleaned_data,
                         coordinators=f.cleaned_data["coordinators"],
                         version=f.started_from()),
                     context=_page(_("Edit the session"), session.case.client.name,
                                   _case_url(session.case_id)))
    return response or redirect("consultations:case_detail", pk=session.case_id)


# --- Referrals -------------------------------------------------------------------------------
def referral_create(request, pk):
    case = _writable(request, Case.objects.select_related("client", "hub"), pk)
    form = ReferralForm(request.POST or None, hub=case.hub)
    if request.method == "POST" and form.is_valid():
        referral = referrals.referral_create(case=case, by=request.user, data=form.cleaned_data)
        if referral.agency.email:
            messages.success(request, _("Referred to %(agency)s. A link to acknowledge and "
                                        "report back is being emailed to the agency; the "
                                        "timeline shows when it has gone.")
                             % {"agency": referral.agency})
        else:
            messages.warning(request, _("Referred to %(agency)s. The agency has no email "
                                        "address in the directory, so no link was sent: "
                                        "follow up by phone.") % {"agency": referral.agency})
        return redirect("consultations:case_detail", pk=case.pk)
    return render(request, "core/record_form.html", {
        "form": form, **_page(_("Refer to a support agency"), case.client.name,
                              _case_url(case.pk), submit_label=_("Refer and send the link"))})


def referral_close(request, pk):
    referral = _writable(request, Referral.objects.select_related("case__client", "agency"), pk)
    if not referral.is_open:
        messages.info(request, _("This referral is already closed."))
        return redirect("consultations:case_detail", pk=referral.case_id)
    form = ReferralCloseForm(request.POST or None, initial={"version": referral.version})
    outcome = submit_versioned(request, form, lambda f: referrals.referral_close(
        referral=referral, by=request.user, note=f.cleaned_data["note"],
        lapsed=f.cleaned_data["outcome"] == "lapsed", version=f.cleaned_data["version"]))
    if outcome.saved:
        messages.success(request, _("Closed the referral."))
        return redirect("consultations:case_detail", pk=referral.case_id)
    return render(request, "consultations/referral_close.html", {
        "form": form, "referral": outcome.conflict or referral,
        "conflict": outcome.conflict is not None,
    }, status=outcome.status)


@require_POST
def referral_resend(request, pk):
    referral = _writable(request, Referral.objects.select_related("agency"), pk)
    try:
        referrals.link_reissue(referral=referral, by=request.user)
    except services.WorkflowError:
        messages.info(request, _("There is nothing for the agency to answer on this referral."))
    else:
        messages.success(request, _("A new link is being emailed to %(agency)s; the "
                                    "timeline shows when it has gone.")
                         % {"agency": referral.agency})
    return redirect("consultations:case_detail", pk=referral.case_id)


# --- Clients ---------------------------------------------------------------------------------
def client_detail(request, pk):
    client = get_for_user_or_404(Client.objects.select_related("industry", "hub"),
                                 request.user, VIEW_RECORDS, pk=pk)
    _log_read(request, client, "client")
    cases = selectors.case_list(user=request.user,
                                hub=authorise(request.user, VIEW_RECORDS, client.hub)
                                ).filter(client=client)
    table = table_for(ClientCaseTable(cases, order_by="-opened_on"), request, per_page=PAGE_SIZE)
    return render(request, "consultations/client_detail.html", {
        "client": client, "table": table,
        "can_change": hub_access(request.user).can(CHANGE_RECORDS, client.hub_id),
        "sections": client_sections(request=request, client=client),
    })


def client_edit(request, pk):
    client = _writable(request, Client.objects.select_related("hub"), pk)
    _log_read(request, client, "client_edit")
    form = ClientForm(request.POST or None, instance=client)
    response = _edit(request, obj=client, form=form,
                     save=lambda f: services.client_update(
                         client=client, by=request.user, data=f.cleaned_data,
                         version=f.started_from()),
                     context=_page(_("Edit the client"), client.name,
                                   reverse("consultations:client_detail", args=[client.pk])))
    return response or redirect("consultations:client_detail", pk=client.pk)
