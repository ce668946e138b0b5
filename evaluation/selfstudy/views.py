"""The self-study pages. Every row is reached through the tenancy door (`for_user`): another
hub's self-study or document answers 404 like a missing one, and so does a document of a
draft to a reader who sees only submitted self-studies."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from evaluation.permissions import EVALUATE
from hubs.access import authorise, hub_access, require
from hubs.scoping import authorised_hub_or_404, get_for_user_or_403, get_for_user_or_404
from yorozu.core import fiscal, uploads
from yorozu.core.files import stored_file_response
from yorozu.core.versioned import EditOutcome, submit_versioned

from . import selectors, services
from .forms import AreaForm
from .models import Document, Narrative, SelfStudy
from .permissions import EDIT_SELF_STUDY, VIEW_SELF_STUDY


def _page_url(study: SelfStudy, anchor: str = "") -> str:
    url = reverse("selfstudy:self_study", args=[study.hub.jis_code, study.fiscal_year])
    return f"{url}#{anchor}" if anchor else url


def self_study(request, jis_code, fiscal_year):
    hub = authorised_hub_or_404(request.user, jis_code, VIEW_SELF_STUDY)
    found = selectors.page(hub=hub, fiscal_year=fiscal_year, user=request.user)
    study = found["study"]
    locked = bool(study) and services.hearing_locked(hub_id=hub.hub.pk, fiscal_year=fiscal_year)
    hearing = (selectors.hearing_of(hub=authorise(request.user, EVALUATE, hub.hub),
                                    fiscal_year=fiscal_year)
               if hub_access(request.user).can(EVALUATE, hub.hub.pk) else None)
    return render(request, "evaluation/selfstudy/self_study.html", {
        **found, "hub": hub.hub, "fiscal_year": fiscal_year,
        "year_label": fiscal.fiscal_year_label(fiscal_year), "locked": locked,
        "hearing": hearing,
        "can_write": found["editor"] and study is not None and not study.is_submitted
        and not locked,
        "limits": {"file": settings.ATTACHMENT_MAX_BYTES,
                   "total": settings.SELF_STUDY_ATTACHMENTS_MAX_BYTES},
    })


@require_POST
def self_study_start(request, jis_code, fiscal_year):
    hub = authorised_hub_or_404(request.user, jis_code, VIEW_SELF_STUDY)
    require(request.user, EDIT_SELF_STUDY, hub.hub)  # 403 for readers, before anything else
    try:
        services.self_study_start(hub=hub.hub, fiscal_year=fiscal_year, by=request.user)
    except services.WorkflowError:
        messages.error(request, _("The self-study opens once HQ has published that year's "
                                  "guideline: it is written against its areas."))
    return redirect("selfstudy:self_study", jis_code=jis_code, fiscal_year=fiscal_year)


# --- One area: its narrative and an attachment -----------------------------------------------
@csrf_exempt
def area_edit(request, pk, area_pk):
    """The uploads are parsed here, behind the size limit and before anything reads the
    form, so the CSRF check runs afterwards (csrf_protect below) as Django documents for
    views that change their upload handlers. Access is checked before a byte is parsed."""
    study = get_for_user_or_403(SelfStudy.objects.select_related("hub"), request.user,
                                read=VIEW_SELF_STUDY, write=EDIT_SELF_STUDY, pk=pk)
    narrative = get_object_or_404(Narrative.objects.select_related("area"), self_study=study,
                                  area_id=area_pk)
    received = uploads.receive(request, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    return _area_form(request, study, narrative, received)


@csrf_protect
def _area_form(request, study, narrative, received):
    if study.is_submitted or services.hearing_locked(hub_id=study.hub_id,
                                                      fiscal_year=study.fiscal_year):
        messages.warning(request, _frozen_message(study))
        return redirect(_page_url(study))
    used = services.attached_bytes(study)
    form = AreaForm(request.POST or None, request.FILES or None,
                    initial={"text": narrative.text, "version": narrative.version},
                    received=received, used_bytes=used)
    attached = None

    def save(f):
        nonlocal attached
        services.area_save(narrative=narrative, by=request.user, text=f.cleaned_data["text"],
                           version=f.started_from(), upload=f.cleaned_data["file"],
                           kind=f.kind)
        attached = f.cleaned_data["file"]

    try:
        outcome = submit_versioned(request, form, save)
    except uploads.Refused as refused:  # the total, passed by another upload meanwhile
        form.add_error("file", refused.message)
        outcome = EditOutcome()
    except services.WorkflowError:
        messages.warning(request, _frozen_message(study))
        return redirect(_page_url(study))
    if outcome.saved:
        messages.success(request, _("Saved the narrative and attached “%(name)s”.")
                         % {"name": attached.name} if attached else _("Saved the narrative."))
        return redirect(_page_url(study, f"area-{narrative.area_id}"))
    conflict = None
    if outcome.conflict is not None:
        current = outcome.conflict
        conflict = [{"label": _("Narrative"), "mine": form.data.get("text", ""),
                     "saved": current.text,
                     "differs": form.data.get("text", "") != current.text}]
        if request.FILES:
            messages.warning(request, _("The file you chose was not attached either: choose it "
                                        "again when you save."))
    return render(request, "evaluation/selfstudy/area_edit.html", {
        "study": study, "hub": study.hub, "area": narrative.area, "narrative": narrative,
        "items": list(narrative.area.items.order_by("sort_order", "code")),
        "documents": list(Document.objects.filter(self_study=study, area=narrative.area_id)
                          .order_by("uploaded_at", "pk")),
        "form": form, "conflict": conflict, "used": used,
        "year_label": fiscal.fiscal_year_label(study.fiscal_year),
    }, status=outcome.status)


def _frozen_message(study: SelfStudy) -> str:
    if study.is_submitted:
        return _("The self-study has been submitted, so it can no longer be changed. Take it "
                 "back for revision first (possible until HQ finalises the hearing).")
    return _("HQ has finalised this year's hearing, so the self-study can no longer be "
             "changed.")


# --- The whole self-study ------------------------------------------------------------------
def _study_for_action(request, pk) -> SelfStudy:
    return get_for_user_or_403(SelfStudy.objects.select_related("hub"), request.user,
                               read=VIEW_SELF_STUDY, write=EDIT_SELF_STUDY, pk=pk)


@require_POST
def self_study_submit(request, pk):
    study = _study_for_action(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        services.self_study_submit(study=study, by=request.user, version=version)
    except services.Incomplete as exc:
        messages.error(request, _("Write a narrative for every area before submitting. Still "
                                  "empty: %(areas)s.")
                       % {"areas": "、".join(str(area) for area in exc.areas)})
    except services.EditConflict:
        messages.warning(request, _("The self-study was changed meanwhile. Check it below and "
                                    "submit again."))
    except services.WorkflowError:
        messages.warning(request, _frozen_message(study))
    else:
        messages.success(request, _("Submitted the self-study. HQ reads it with the hearing's "
                                    "evidence."))
    return redirect(_page_url(study))


@require_POST
def self_study_reopen(request, pk):
    study = _study_for_action(request, pk)
    try:
        services.self_study_reopen(study=study, by=request.user)
    except services.WorkflowError:
        messages.warning(request, _("The self-study can be taken back only while it is "
                                    "submitted and HQ has not finalised the hearing."))
    else:
        messages.success(request, _("Took the self-study back for revision. HQ and the bureau "
                                    "see it again once you submit it again."))
    return redirect(_page_url(study))


# --- Documents -------------------------------------------------------------------------------
def document_download(request, pk):
    """Streams a document through the app, after the tenancy door: as an attachment, with the
    content type its bytes were checked to be, never sniffed (docs/operations.md)."""
    document = get_for_user_or_404(Document.objects.select_related("self_study"),
                                   request.user, VIEW_SELF_STUDY, pk=pk)
    editor = hub_access(request.user).can(EDIT_SELF_STUDY, document.hub_id)
    if not selectors.content_visible(document.self_study, editor=editor):
        raise Http404
    return stored_file_response(document.file, filename=document.original_name,
                                fallback=f"document-{document.pk}{document.extension}",
                                content_type=document.content_type)


@require_POST
def document_delete(request, pk):
    document = get_for_user_or_403(Document.objects.select_related("self_study__hub"),
                                   request.user, read=VIEW_SELF_STUDY, write=EDIT_SELF_STUDY,
                                   pk=pk)
    study = document.self_study
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = _page_url(study, f"area-{document.area_id}")
    try:
        services.document_delete(document=document, by=request.user)
    except services.WorkflowError:
        messages.warning(request, _frozen_message(study))
    else:
        messages.success(request, _("Removed “%(name)s”.") % {"name": document.original_name})
    return redirect(back)
