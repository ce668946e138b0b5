"""The reads of the multi-faceted evaluation: a hub's evaluation as its reader may see it, the
national view, and the improvement requests in a user's scope."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from evaluation import heat_map
from hubs.access import AuthorisedHub, is_hq
from hubs.models import Hub

from . import axes
from .models import Assessment, AxisWeights, FollowUpNote, ImprovementAction, ImprovementRequest
from .permissions import VIEW_ASSESSMENT


@dataclass
class Evaluated:
    """An evaluation's axes and weights (frozen once finalised, else from the records and the
    year's weights) and the composite of the two."""

    values: axes.HubAxes
    weights: dict[str, int]
    frozen: bool

    @property
    def composite(self) -> Decimal | None:
        return axes.composite(self.values.values, self.weights)

    def rows(self) -> list[dict]:
        return [{"axis": axis, "value": self.values.get(axis.code),
                 "weight": self.weights.get(axis.code, 0)} for axis in axes.AXES]


def year_weights(fiscal_year: int) -> AxisWeights | None:
    return AxisWeights.objects.filter(fiscal_year=fiscal_year).first()


def evaluated(assessment: Assessment, *, weights: AxisWeights | None = None) -> Evaluated:
    if not assessment.is_draft:
        return Evaluated(axes.HubAxes({code: axes.AxisValue.from_json(data)
                                       for code, data in assessment.axes.items()}),
                         dict(assessment.weights), frozen=True)
    weights = weights or year_weights(assessment.fiscal_year)
    values = axes.computed(hub_ids=[assessment.hub_id], fiscal_year=assessment.fiscal_year)
    return Evaluated(values[assessment.hub_id], weights.as_dict() if weights else {},
                     frozen=False)


def hub_assessment(*, hub: AuthorisedHub, fiscal_year: int) -> Assessment | None:
    """The hub's evaluation of the year as its reader may see it: HQ in every state; the hub
    and its bureau once published."""
    found = Assessment.objects.filter(hub=hub.hub, fiscal_year=fiscal_year)
    if not is_hq(hub.user):
        found = found.filter(status=Assessment.Status.PUBLISHED)
    return found.select_related("hub", "finalised_by", "published_by").first()


def visible_assessments(user):
    """Evaluations the user may open by key: HQ all, others their hubs' published ones."""
    found = Assessment.objects.for_user(user, VIEW_ASSESSMENT)
    return found if is_hq(user) else found.filter(status=Assessment.Status.PUBLISHED)


def requests_of(assessment: Assessment):
    return (assessment.requests.order_by("due_on", "pk")
            .prefetch_related(Prefetch("actions", ImprovementAction.objects.order_by("pk")),
                              Prefetch("follow_ups", FollowUpNote.objects
                                       .select_related("by").order_by("pk"))))


def visible_requests(user):
    """Requests the user may open: HQ all; the hub's staff and its bureau those of published
    evaluations of their hubs."""
    found = ImprovementRequest.objects.for_user(user, VIEW_ASSESSMENT)
    if not is_hq(user):
        found = found.filter(assessment__status=Assessment.Status.PUBLISHED)
    return found


def open_requests(*, user, before_year: int | None = None):
    """The requests of published evaluations not done yet at the hubs the user reads, earliest
    deadline first (of evaluations of years before `before_year` if given): what the next plan
    draft and the evidence pack list (narrowed to their hub)."""
    found = (ImprovementRequest.objects.for_user(user, VIEW_ASSESSMENT)
             .filter(status__in=ImprovementRequest.OPEN_STATUSES,
                     assessment__status=Assessment.Status.PUBLISHED))
    if before_year is not None:
        found = found.filter(assessment__fiscal_year__lt=before_year)
    return (found.select_related("assessment")
            .prefetch_related(Prefetch("actions", ImprovementAction.objects.order_by("pk")))
            .order_by("due_on", "pk"))


def requests_in_scope(*, user, open_only: bool):
    found = visible_requests(user).select_related("hub", "assessment")
    if open_only:
        found = found.filter(status__in=ImprovementRequest.OPEN_STATUSES)
    return found.order_by("due_on", "hub__jis_code", "pk")


# --- The national view -----------------------------------------------------------------------
@dataclass
class NationalRow(heat_map.HeatRow):
    assessment: Assessment | None = None


def national_rows(*, fiscal_year: int) -> tuple[list[NationalRow], dict[str, int]]:
    """Every hub on every axis with its composite, and the year's weights: frozen axes for
    finalised evaluations, the records for the others (in one batch)."""
    weights_row = year_weights(fiscal_year)
    weights = weights_row.as_dict() if weights_row else {}
    hubs = list(Hub.objects.select_related("bureau").order_by("jis_code"))
    assessments = {a.hub_id: a for a in Assessment.objects.filter(fiscal_year=fiscal_year)}
    live_ids = [hub.pk for hub in hubs
                if hub.pk not in assessments or assessments[hub.pk].is_draft]
    live = axes.computed(hub_ids=live_ids, fiscal_year=fiscal_year) if live_ids else {}
    rows = []
    for hub in hubs:
        assessment = assessments.get(hub.pk)
        if assessment is not None and not assessment.is_draft:
            found = evaluated(assessment)
            values, row_weights = found.values, found.weights
        else:
            values, row_weights = live[hub.pk], weights
        value = axes.composite(values.values, row_weights)
        rows.append(NationalRow(
            hub=hub, cells=[heat_map.Cell(_as_float(values.get(code).score))
                            for code in axes.CODES],
            overall=heat_map.Cell(_as_float(value)), assessment=assessment))
    return rows, weights


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def request_counts(*, user, today) -> dict[str, int]:
    """For the home page's to-do list, in one query: the open requests in the user's scope,
    those past their date, and those the hub has not answered with any action yet."""
    acted = ImprovementAction.objects.filter(request=OuterRef("pk"))
    found = (visible_requests(user).filter(status__in=ImprovementRequest.OPEN_STATUSES)
             .annotate(acted=Exists(acted)))
    return found.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)),
                           unanswered=Count("pk", filter=Q(acted=False)))
