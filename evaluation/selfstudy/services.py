"""Writes of the self-study. The chief coordinator and the implementing organization
(EDIT_SELF_STUDY) start it, write each area, attach and remove documents, submit it and take
it back for revision.

The rule of its life (docs/architecture.md, Self-study): a draft can be written; a submitted
one is frozen; the hub may take it back (reopen) and submit again as long as the year's
hearing is not finalised. Once HQ finalises the hearing, the self-study stays as it is,
written or not, until HQ reopens the hearing: the scores were given against what it said."""

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import Guideline, Hearing
from hubs.access import require
from hubs.models import Hub
from yorozu.core.errors import EditConflict, WorkflowError
from yorozu.core.uploads import FileKind, Refused
from yorozu.core.versioned import locked_at_version, versioned_update

from .models import Document, Narrative, SelfStudy
from .permissions import EDIT_SELF_STUDY

__all__ = ["EditConflict", "Incomplete", "Refused", "WorkflowError"]

HEARING_LOCKED = (Hearing.Status.FINALISED, Hearing.Status.PUBLISHED)


class Incomplete(WorkflowError):
    """Submitting needs a narrative in every area; `areas` are those without one."""

    def __init__(self, areas):
        super().__init__("every area needs a narrative")
        self.areas = areas


def hearing_locked(*, hub_id: int, fiscal_year: int) -> bool:
    """Whether HQ has finalised (or published) the hub's hearing of the year. One query."""
    return Hearing.objects.filter(hub_id=hub_id, fiscal_year=fiscal_year,
                                  status__in=HEARING_LOCKED).exists()


def _writable(study: SelfStudy) -> None:
    if study.is_submitted:
        raise WorkflowError("submitted")
    if hearing_locked(hub_id=study.hub_id, fiscal_year=study.fiscal_year):
        raise WorkflowError("the hearing is finalised")


def _locked(study_pk: int) -> SelfStudy:
    return SelfStudy.objects.select_for_update().get(pk=study_pk)


def _moved_on(study: SelfStudy) -> None:
    SelfStudy.objects.filter(pk=study.pk).update(version=study.version + 1)
    study.version += 1


@transaction.atomic
def self_study_start(*, hub: Hub, fiscal_year: int, by) -> SelfStudy:
    """The year's self-study of the hub (made with an empty narrative per area of the year's
    published guideline the first time)."""
    require(by, EDIT_SELF_STUDY, hub)
    guideline = Guideline.objects.filter(fiscal_year=fiscal_year,
                                         status=Guideline.Status.PUBLISHED).first()
    if guideline is None:
        raise WorkflowError("the year's guideline is not published")
    study, created = SelfStudy.objects.get_or_create(
        hub=hub, fiscal_year=fiscal_year, defaults={"guideline": guideline, "created_by": by})
    if created:
        Narrative.objects.bulk_create(Narrative(self_study=study, hub=hub, area=area)
                                      for area in guideline.areas.all())
    return study


@transaction.atomic
def area_save(*, narrative: Narrative, by, text: str, version: int,
              upload=None, kind: FileKind | None = None) -> Narrative:
    """Saves an area's narrative if nobody saved it since `version` (else EditConflict with
    the stored row, nothing saved), and attaches `upload` (checked to be of `kind`) with it:
    both or neither."""
    require(by, EDIT_SELF_STUDY, narrative.hub_id)
    study = _locked(narrative.self_study_id)
    _writable(study)
    saved = versioned_update(narrative, version=version, fields={
        "text": text, "updated_by": by, "updated_at": timezone.now()})
    if upload is not None:
        document_attach(study=study, area_id=narrative.area_id, upload=upload, kind=kind, by=by)
    _moved_on(study)
    return saved


def attached_bytes(study: SelfStudy) -> int:
    return study.documents.aggregate(total=Sum("size"))["total"] or 0


def total_message(used: int) -> str:
    limit = settings.SELF_STUDY_ATTACHMENTS_MAX_BYTES
    return _("Attaching this file would take the self-study's documents over %(limit)s in all "
             "(%(used)s are attached already). Remove a document or attach a smaller file.") % {
        "limit": filesizeformat(limit), "used": filesizeformat(used)}


def document_attach(*, study: SelfStudy, area_id: int, upload, kind: FileKind, by) -> Document:
    """Stores `upload` under a generated name through the storage API. Called with the
    self-study locked, so two uploads at once cannot both pass the total."""
    used = attached_bytes(study)
    if used + upload.size > settings.SELF_STUDY_ATTACHMENTS_MAX_BYTES:
        raise Refused("total", total_message(used))
    document = Document(self_study=study, hub_id=study.hub_id, area_id=area_id,
                        original_name=upload.name, kind=kind.code,
                        content_type=kind.content_type, size=upload.size, uploaded_by=by)
    upload.seek(0)
    document.file.save(upload.name, upload, save=False)  # upload_to ignores the name
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_delete(*, document: Document, by) -> None:
    """Removes a document of a draft; its file goes from the storage once that commits."""
    require(by, EDIT_SELF_STUDY, document.hub_id)
    study = _locked(document.self_study_id)
    _writable(study)
    storage, name = document.file.storage, document.file.name
    document.delete()
    _moved_on(study)
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def self_study_submit(*, study: SelfStudy, by, version: int) -> SelfStudy:
    """Submits the self-study as the submitter read it (`version`; a change since raises
    EditConflict). Every area needs a narrative."""
    require(by, EDIT_SELF_STUDY, study.hub_id)
    current = locked_at_version(SelfStudy, pk=study.pk, version=version, check=_writable)
    empty = [n.area for n in current.narratives.select_related("area").order_by(
        "area__sort_order", "area__code") if not n.text.strip()]
    if empty:
        raise Incomplete(empty)
    current.status, current.submitted_by, current.submitted_at = (
        SelfStudy.Status.SUBMITTED, by, timezone.now())
    current.version += 1
    current.save()
    return current


@transaction.atomic
def self_study_reopen(*, study: SelfStudy, by) -> SelfStudy:
    """Takes a submitted self-study back for revision, while the hearing is not finalised."""
    require(by, EDIT_SELF_STUDY, study.hub_id)
    current = _locked(study.pk)
    if not current.is_submitted:
        raise WorkflowError("not submitted")
    if hearing_locked(hub_id=current.hub_id, fiscal_year=current.fiscal_year):
        raise WorkflowError("the hearing is finalised")
    current.status, current.reopened_at = SelfStudy.Status.DRAFT, timezone.now()
    current.version += 1
    current.save()
    return current
