from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yorozu.core.downloads import requested_format
from yorozu.core.tables import filter_query, table_file, table_for
from yorozu.core.versioned import submit_versioned

from . import selectors, services
from .access import authorise, hub_access, require
from .exports import agencies_file
from .forms import AgencyForm, ProposeForm
from .models import Appointment, SupportAgency
from .roles import (
    APPROVE_APPOINTMENT,
    MANAGE_AGENCIES,
    PROPOSE_APPOINTMENT,
    VIEW_AGENCIES,
    VIEW_HUB,
    VIEW_STAFF,
)
from .scoping import (
    get_for_user_or_403,
    get_for_user_or_404,
    hub_for_user_or_404,
)
from .tables import AgencyTable, AppointmentQueueTable, AppointmentTable, HubTable

DECIDED = "decided-"  # the second table of the appointments page sorts and pages on its own
RECENT = 20


def _hub(request, jis_code, perm=VIEW_HUB):
    return hub_for_user_or_404(request.user, jis_code, perm)


def _require(request, perm, hub):
    require(request.user, perm, hub)


def hub_list(request):
    # At most the 47 hubs: one page, no count query.
    table = HubTable(selectors.hub_list(user=request.user))
    if chosen := requested_format(request):
        return table_file(table, request, chosen=chosen, sheet="拠点", filename="拠点一覧",
                          fallback="hubs")
    table = table_for(table, request, per_page=None)
    return render(request, "hubs/hub_list.html", {"table": table, "query": filter_query(request)})


def agency_list(request, jis_code):
    hub = _hub(request, jis_code, VIEW_AGENCIES)
    show_all = request.GET.get("all") == "1"
    agencies = selectors.agency_list(user=request.user,
                                     hub=authorise(request.user, VIEW_AGENCIES, hub),
                                     include_inactive=show_all)
    if chosen := requested_format(request):
        return agencies_file(agencies, chosen=chosen, filename=f"支援機関名簿_{hub.prefecture_ja}")
    can_manage = hub_access(request.user).can(MANAGE_AGENCIES, hub.pk)
    table = table_for(AgencyTable(agencies, can_manage=can_manage), request)
    return render(request, "hubs/agency_list.html", {
        "hub": hub, "table": table, "show_all": show_all, "can_manage": can_manage,
    })


def agency_create(request, jis_code):
    hub = _hub(request, jis_code, VIEW_AGENCIES)
    _require(request, MANAGE_AGENCIES, hub)
    form = AgencyForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        agency = services.agency_create(hub=hub, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Added %(name)s.") % {"name": agency.name})
        return redirect("hubs:agency_list", jis_code=hub.jis_code)
    return render(request, "hubs/agency_form.html", {"hub": hub, "form": form})


def agency_edit(request, pk):
    agency = get_for_user_or_403(SupportAgency.objects.select_related("hub"), request.user,
                                 read=VIEW_AGENCIES, write=MANAGE_AGENCIES, pk=pk)
    form = AgencyForm(request.POST or None, instance=agency)
    outcome = submit_versioned(request, form, lambda f: services.agency_update(
        agency=agency, by=request.user, data=f.cleaned_data, version=f.started_from()))
    if outcome.saved:
        messages.success(request, _("Saved %(name)s.") % {"name": agency.name})
        return redirect("hubs:agency_list", jis_code=agency.hub.jis_code)
    # The conflict screen answers 200 here, as it always has (the tests pin it).
    return render(request, "hubs/agency_form.html", {
        "hub": agency.hub, "form": form, "agency": agency, "conflict": outcome.conflict})


def appointment_list(request):
    access = hub_access(request.user)
    if not (access.anywhere(APPROVE_APPOINTMENT) or access.anywhere(PROPOSE_APPOINTMENT)):
        raise PermissionDenied
    if chosen := requested_format(request):
        # Every appointment of the page, proposals included, in the decisions' sort.
        every = AppointmentTable(selectors.with_name_key(
            selectors.appointment_all(user=request.user), access), access=access,
            prefix=DECIDED, order_by="-decided_at")
        return table_file(every, request, chosen=chosen, sheet="任命", filename="任命一覧",
                          fallback="appointments")
    queue = table_for(AppointmentQueueTable(
        selectors.with_name_key(selectors.appointment_queue(user=request.user), access),
        access=access, order_by="term"), request)
    decided = table_for(AppointmentTable(
        selectors.with_name_key(selectors.appointment_decisions(user=request.user), access),
        access=access, prefix=DECIDED, order_by="-decided_at"), request, per_page=RECENT)
    return render(request, "hubs/appointment_list.html", {
        "queue": queue, "decided": decided, "query": filter_query(request)})


def appointment_propose(request, jis_code):
    hub = _hub(request, jis_code)
    _require(request, PROPOSE_APPOINTMENT, hub)
    form = ProposeForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        appointment = services.appointment_propose(hub=hub, by=request.user, **form.cleaned_data)
        messages.success(request, _("Proposed %(name)s as coordinator. The bureau will review "
                                    "the proposal.") % {"name": appointment.proposed_name})
        return redirect("hubs:appointment_list")
    return render(request, "hubs/appointment_propose.html", {"hub": hub, "form": form})


def _decision(request, pk, *, perm, service, done_message, with_note=False, after=None):
    appointment = get_for_user_or_403(Appointment.objects.select_related("user", "hub"),
                                      request.user, read=VIEW_STAFF, write=perm, pk=pk)
    kwargs = {"note": request.POST.get("note", "").strip()[:1000]} if with_note else {}
    try:
        service(appointment=appointment, by=request.user, **kwargs)
    except services.WorkflowError:
        messages.error(request, _("This appointment was already decided by someone else. "
                                  "Its current state is shown below."))
    else:
        name = selectors.appointments_named([appointment], hub_access(request.user))[0].name
        messages.success(request, done_message % {"name": name})
        if after:
            after(request, appointment, name)
    return redirect(_safe_next(request) or "hubs:appointment_list")


def _say_if_not_invited(request, appointment, name) -> None:
    if appointment.invitation == Appointment.Invitation.FAILED:
        messages.warning(request, _(
            "The invitation email to %(name)s could not be sent. Once email works again, "
            "send it with \"Resend invitation\" under Recent decisions on the Appointments "
            "page.") % {"name": name})


def _safe_next(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


@require_POST
def appointment_approve(request, pk):
    return _decision(request, pk, perm=APPROVE_APPOINTMENT, service=services.appointment_approve,
                     done_message=_("Approved the appointment of %(name)s."),
                     after=_say_if_approval_not_invited)


def _say_if_approval_not_invited(request, appointment, name) -> None:
    # The invitation's job may have run as the approval committed (a worker quicker than
    # this request, or eager tasks): its first try's outcome is on the row, not on ours.
    appointment.refresh_from_db(fields=["invitation", "invitation_at"])
    _say_if_not_invited(request, appointment, name)


@require_POST
def appointment_reject(request, pk):
    return _decision(request, pk, perm=APPROVE_APPOINTMENT, service=services.appointment_reject,
                     done_message=_("Rejected the proposal for %(name)s."), with_note=True)


@require_POST
def appointment_withdraw(request, pk):
    return _decision(request, pk, perm=PROPOSE_APPOINTMENT,
                     service=services.appointment_withdraw,
                     done_message=_("Withdrew the proposal for %(name)s."))


@require_POST
def appointment_revoke(request, pk):
    return _decision(request, pk, perm=APPROVE_APPOINTMENT, service=services.appointment_revoke,
                     done_message=_("Revoked the appointment of %(name)s."), with_note=True)


@require_POST
def appointment_invite(request, pk):
    """Sends an approved appointment's invitation again: the bureau or the proposing hub."""
    appointment = get_for_user_or_404(Appointment.objects.select_related("user", "hub__bureau"),
                                      request.user, VIEW_STAFF, pk=pk)
    access = hub_access(request.user)
    if not (access.can(APPROVE_APPOINTMENT, appointment.hub_id)
            or access.can(PROPOSE_APPOINTMENT, appointment.hub_id)):
        raise PermissionDenied
    name = selectors.appointments_named([appointment], access)[0].name
    try:
        sent = services.appointment_invite(appointment=appointment, by=request.user)
    except services.WorkflowError:
        messages.error(request, _("%(name)s's appointment is not in force, so no invitation "
                                  "was sent.") % {"name": name})
    else:
        if sent:
            messages.success(request, _("Sent the invitation email to %(name)s.")
                             % {"name": name})
        else:
            _say_if_not_invited(request, appointment, name)
    return redirect(_safe_next(request) or "hubs:appointment_list")
