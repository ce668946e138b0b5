"""A client's financial figures and milestones, added and edited from the client page. Thin
views: every row comes through the scoping layer (another hub's is a 404, one of the own hub
that the role may only read a 403), every write through services.py with a version check."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from consultations.conflicts import conflict_rows
from consultations.models import Client
from consultations.services import personal_data_read_log
from hubs.roles import CHANGE_RECORDS, VIEW_RECORDS
from hubs.scoping import get_for_user_or_403
from yorozu.core.errors import EditConflict
from yorozu.core.versioned import submit_versioned

from . import services
from .forms import MilestoneForm, SnapshotForm
from .models import FinancialSnapshot, Milestone

PERIOD_TAKEN = gettext_lazy("This client's figures for this period are already recorded. "
                            "Edit them on the client page instead.")


def _writable(request, queryset, pk):
    return get_for_user_or_403(queryset, request.user, read=VIEW_RECORDS, write=CHANGE_RECORDS,
                               pk=pk)


def _client_url(client_id: int, part: str = "outcomes") -> str:
    return reverse("consultations:client_detail", args=[client_id]) + f"#{part}"


def _log_read(request, client, what: str) -> None:
    # The form shows the client's figures: logged as the client's own edit page is.
    personal_data_read_log(user=request.user, client=client, hub_id=client.hub_id, what=what)


def _form_page(request, form, *, title: str, client, part: str, conflict=None, status=200):
    return render(request, "core/record_form.html", {
        "form": form, "title": title, "subtitle": client.name,
        "cancel_url": _client_url(client.pk, part),
        "conflict": conflict_rows(form, conflict) if conflict is not None else None,
    }, status=status)


def _edited(request, form, save) -> tuple[bool, object]:
    """Runs a versioned save (yorozu/core/versioned.py): (saved, the stored row on a
    conflict). A rule only the database could check (two saves of the same period at once)
    comes back as the form's error, with what was typed kept."""
    try:
        outcome = submit_versioned(request, form, save)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False, None
    except IntegrityError:  # the same period saved by someone else at the same moment
        form.add_error(None, PERIOD_TAKEN)
        return False, None
    except services.WorkflowError:  # a case or session of another client, bypassing the form
        form.add_error(None, _("Choose a case and session of this client."))
        return False, None
    return outcome.saved, outcome.conflict


# --- Financial snapshots -------------------------------------------------------------------
def snapshot_create(request, pk):
    client = _writable(request, Client.objects.select_related("hub"), pk)
    form = SnapshotForm(request.POST or None,
                        instance=FinancialSnapshot(hub_id=client.hub_id, client=client))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.snapshot_create(client=client, by=request.user,
                                         data=form.cleaned_data,
                                         verified=form.cleaned_data["verified"])
        except ValidationError as exc:
            form.add_error(None, exc)
        except IntegrityError:  # the same period saved by someone else at the same moment
            form.add_error(None, PERIOD_TAKEN)
        else:
            messages.success(request, _("Saved the figures of the period."))
            return redirect(_client_url(client.pk))
    _log_read(request, client, "outcome_edit")
    return _form_page(request, form, title=_("Add a period's figures"), client=client,
                      part="outcomes")


def snapshot_edit(request, pk):
    snapshot = _writable(request, FinancialSnapshot.objects.select_related("client", "hub"),
                         pk)
    form = SnapshotForm(request.POST or None, instance=snapshot)
    saved, conflict = _edited(request, form, lambda f: services.snapshot_update(
        snapshot=snapshot, by=request.user, data=f.cleaned_data, version=f.started_from(),
        verified=f.cleaned_data["verified"]))
    if saved:
        messages.success(request, _("Saved."))
        return redirect(_client_url(snapshot.client_id))
    _log_read(request, snapshot.client, "outcome_edit")
    return _form_page(request, form, title=_("Edit a period's figures"), client=snapshot.client,
                      part="outcomes", conflict=conflict, status=409 if conflict else 200)


@require_POST
def snapshot_delete(request, pk):
    snapshot = _writable(request, FinancialSnapshot.objects.all(), pk)
    try:
        services.snapshot_delete(snapshot=snapshot, by=request.user,
                                 version=_version(request))
    except EditConflict:
        messages.error(request, _("Someone changed these figures meanwhile, so they were not "
                                  "deleted. Check them and try again."))
    else:
        messages.success(request, _("Deleted the figures of the period."))
    return redirect(_client_url(snapshot.client_id))


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:  # none, or not a number ("²" passes isdigit): conflicts, as 0 does
        return 0  # versions start at 1


# --- Milestones ----------------------------------------------------------------------------
def milestone_create(request, pk):
    client = _writable(request, Client.objects.select_related("hub"), pk)
    form = MilestoneForm(request.POST or None, client=client,
                         instance=Milestone(hub_id=client.hub_id, client=client))
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_create(client=client, by=request.user, data=form.cleaned_data)
        except (ValidationError, services.WorkflowError) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError)
                           else _("Choose a case and session of this client."))
        else:
            messages.success(request, _("Saved the milestone."))
            return redirect(_client_url(client.pk, "milestones"))
    _log_read(request, client, "outcome_edit")
    return _form_page(request, form, title=_("Add a milestone"), client=client,
                      part="milestones")


def milestone_edit(request, pk):
    milestone = _writable(request, Milestone.objects.select_related("client", "hub"), pk)
    form = MilestoneForm(request.POST or None, client=milestone.client, instance=milestone)
    saved, conflict = _edited(request, form, lambda f: services.milestone_update(
        milestone=milestone, by=request.user, data=f.cleaned_data, version=f.started_from()))
    if saved:
        messages.success(request, _("Saved."))
        return redirect(_client_url(milestone.client_id, "milestones"))
    _log_read(request, milestone.client, "outcome_edit")
    return _form_page(request, form, title=_("Edit a milestone"), client=milestone.client,
                      part="milestones", conflict=conflict, status=409 if conflict else 200)


@require_POST
def milestone_delete(request, pk):
    milestone = _writable(request, Milestone.objects.all(), pk)
    try:
        services.milestone_delete(milestone=milestone, by=request.user,
                                  version=_version(request))
    except EditConflict:
        messages.error(request, _("Someone changed this milestone meanwhile, so it was not "
                                  "deleted. Check it and try again."))
    else:
        messages.success(request, _("Deleted the milestone."))
    return redirect(_client_url(milestone.client_id, "milestones"))
