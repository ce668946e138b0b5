"""The writes of the multi-faceted evaluation: HQ weights the axes of a year, starts a hub's
evaluation, comments, finalises (freezing the axes and weights), reopens, publishes, and asks
for improvements; the hub answers with actions; the bureau follows them up."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.permissions import EVALUATE
from hubs.access import require
from yorozu.core.errors import WorkflowError
from yorozu.core.versioned import locked_at_version, versioned_update

from . import axes
from .models import Assessment, AxisWeights, FollowUpNote, ImprovementAction, ImprovementRequest
from .permissions import ANSWER_REQUESTS, FOLLOW_UP_REQUESTS


def weights_locked(fiscal_year: int) -> bool:
    """Weights are fixed once any hub of the year has a finalised evaluation."""
    return (Assessment.objects.filter(fiscal_year=fiscal_year)
            .exclude(status=Assessment.Status.DRAFT).exists())


@transaction.atomic
def weights_save(*, fiscal_year: int, data: dict, version: int | None, by) -> AxisWeights:
    """Saves the year's weights (creating them the first time). Refused once locked; a
    stale version raises EditConflict."""
    require(by, EVALUATE)
    if weights_locked(fiscal_year):
        raise WorkflowError(_("The weights of this year are fixed: an evaluation of the year "
                              "has been finalised. Reopen it first."))
    if not any(data.get(code) for code in axes.CODES):
        raise WorkflowError(_("Give at least one axis a weight."))
    fields = {code: data[code] for code in axes.CODES}
    weights = AxisWeights.objects.filter(fiscal_year=fiscal_year).first()
    if weights is None:
        try:
            with transaction.atomic():
                return AxisWeights.objects.create(fiscal_year=fiscal_year, updated_by=by,
                                                  **fields)
        except IntegrityError:  # a colleague saved the first weights at the same moment
            weights = AxisWeights.objects.get(fiscal_year=fiscal_year)
            version = 0  # so that this save shows the conflict instead of overwriting
    return versioned_update(weights, version=version, fields={**fields, "updated_by": by})


def assessment_start(*, hub, fiscal_year: int, by) -> Assessment:
    require(by, EVALUATE, hub)
    assessment, _created = Assessment.objects.get_or_create(
        hub=hub, fiscal_year=fiscal_year, defaults={"created_by": by})
    return assessment


def _draft_only(current: Assessment) -> None:
    if not current.is_draft:
        raise WorkflowError(_("This evaluation is finalised. Reopen it to change it."))


@transaction.atomic
def assessment_comment(*, assessment: Assessment, summary: str, version: int, by) -> Assessment:
    require(by, EVALUATE, assessment.hub_id)
    return versioned_update(assessment, version=version, fields={"summary": summary},
                            check=_draft_only)


@transaction.atomic
def assessment_finalise(*, assessment: Assessment, version: int | None, by) -> Assessment:
    """Freezes the axes as the records give them now, and the year's weights, on the row."""
    require(by, EVALUATE, assessment.hub_id)
    current = locked_at_version(Assessment, pk=assessment.pk, version=version,
                                check=_draft_only)
    weights = AxisWeights.objects.filter(fiscal_year=current.fiscal_year).first()
    if weights is None:
        raise WorkflowError(_("Set the weights of the axes for this year before finalising."))
    values = axes.computed(hub_ids=[current.hub_id], fiscal_year=current.fiscal_year)
    current.axes = {code: value.as_json()
                    for code, value in values[current.hub_id].values.items()}
    current.weights = weights.as_dict()
    current.status = Assessment.Status.FINALISED
    current.finalised_at, current.finalised_by = timezone.now(), by
    current.version += 1
    current.save()
    return current


def _finalised(assessment: Assessment, refusal: str) -> Assessment:
    """The evaluation's row, locked, if it is finalised and not yet published; otherwise
    raises WorkflowError with `refusal`."""
    def finalised_only(current):
        if current.status != Assessment.Status.FINALISED:
            raise WorkflowError(refusal)

    return locked_at_version(Assessment, pk=assessment.pk, version=None, check=finalised_only)


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, by) -> Assessment:
    """Back to a draft (the axes computed from the records again). Not once published: the
    hub has read it."""
    require(by, EVALUATE, assessment.hub_id)
    current = _finalised(assessment,
                         _("Only a finalised, unpublished evaluation can be reopened."))
    current.status, current.axes, current.weights = Assessment.Status.DRAFT, {}, {}
    current.finalised_at = current.finalised_by = None
    current.version += 1
    current.save()
    return current


@transaction.atomic
def assessment_publish(*, assessment: Assessment, by) -> Assessment:
    require(by, EVALUATE, assessment.hub_id)
    current = _finalised(assessment, _("Finalise the evaluation before publishing it."))
    current.status = Assessment.Status.PUBLISHED
    current.published_at, current.published_by = timezone.now(), by
    current.version += 1
    current.save()
    return current


def request_add(*, assessment: Assessment, data: dict, by) -> ImprovementRequest:
    require(by, EVALUATE, assessment.hub_id)
    return ImprovementRequest.objects.create(
        assessment=assessment, hub_id=assessment.hub_id, created_by=by,
        title=data["title"], reason=data["reason"], due_on=data["due_on"])


def action_add(*, request: ImprovementRequest, data: dict, by) -> ImprovementAction:
    require(by, ANSWER_REQUESTS, request.hub_id)
    if not request.is_open:
        raise WorkflowError(_("This request is done: its actions are closed."))
    return ImprovementAction.objects.create(
        request=request, hub_id=request.hub_id, created_by=by, text=data["text"],
        owner=data["owner"], due_on=data.get("due_on"))


@transaction.atomic
def follow_up_add(*, request: ImprovementRequest, data: dict, version: int, by) -> FollowUpNote:
    """The bureau's note, which also sets the request's status."""
    require(by, FOLLOW_UP_REQUESTS, request.hub_id)
    versioned_update(request, version=version, fields={"status": data["status"]})
    return FollowUpNote.objects.create(request=request, hub_id=request.hub_id, by=by,
                                       status=data["status"], comment=data["comment"])
