"""Reads of the self-study, each from an authorised hub (hubs.access.authorise) and a fixed
number of queries whatever the number of areas and documents.

Who reads what: the chief coordinator and the implementing organization (who write it) see it
as it stands, draft or not; everyone else who may read it (the hub's coordinators, its bureau,
HQ) sees its narratives and documents only while it is submitted."""

from collections import defaultdict

from django.db.models import Prefetch

from evaluation.models import Area, Guideline, Hearing, Item
from evaluation.selectors import last_year_levels, published_guideline
from hubs.access import AuthorisedHub, hub_access

from .models import Document, Narrative, SelfStudy
from .permissions import EDIT_SELF_STUDY


def self_study_for(*, hub: AuthorisedHub, fiscal_year: int) -> SelfStudy | None:
    return (SelfStudy.objects.filter(hub=hub.hub, fiscal_year=fiscal_year)
            .select_related("guideline", "submitted_by").first())


def may_edit(*, user, hub: AuthorisedHub) -> bool:
    return hub_access(user).can(EDIT_SELF_STUDY, hub.hub.pk)


def content_visible(study: SelfStudy | None, *, editor: bool) -> bool:
    """Whether the narratives and documents are shown: to its writers always, to its readers
    once submitted (and not while it is back with the hub for revision)."""
    return study is not None and (editor or study.is_submitted)


def guideline_areas(guideline: Guideline) -> list[Area]:
    """The guideline's areas with their items, in order. Two queries."""
    return list(guideline.areas.order_by("sort_order", "code").prefetch_related(
        Prefetch("items", queryset=Item.objects.order_by("sort_order", "code"))))


def with_content(areas: list[Area], study: SelfStudy | None) -> list[Area]:
    """Gives each area its `narrative` (or None) and `documents` of `study`. Two queries."""
    narratives, documents = {}, defaultdict(list)
    if study is not None:
        narratives = {n.area_id: n for n in Narrative.objects.filter(self_study=study)
                      .select_related("updated_by")}
        for document in Document.objects.filter(self_study=study).order_by("uploaded_at", "pk"):
            documents[document.area_id].append(document)
    for area in areas:
        area.narrative = narratives.get(area.pk)
        area.documents = documents[area.pk]
    return areas


def page(*, hub: AuthorisedHub, fiscal_year: int, user) -> dict:
    """The self-study page: the self-study (or None), the guideline it is written against
    (the year's published one before it starts), and the areas with what the user may see."""
    study = self_study_for(hub=hub, fiscal_year=fiscal_year)
    guideline = study.guideline if study else published_guideline(fiscal_year)
    editor = may_edit(user=user, hub=hub)
    visible = content_visible(study, editor=editor)
    areas = guideline_areas(guideline) if guideline else []
    if visible:
        with_content(areas, study)
    return {"study": study, "guideline": guideline, "editor": editor, "visible": visible,
            "areas": areas,
            "total": sum(d.size for a in areas for d in getattr(a, "documents", []))}


def hearing_of(*, hub: AuthorisedHub, fiscal_year: int) -> Hearing | None:
    return (Hearing.objects.filter(hub=hub.hub, fiscal_year=fiscal_year)
            .only("pk", "status", "hub_id", "fiscal_year").first())


def hearing_pack(*, hub: AuthorisedHub, hearing: Hearing) -> dict:
    """For the hearing's evidence pack: per area of the hearing's guideline, the hub's
    submitted narrative and documents, and per item last year's level (the previous fiscal
    year's finalised hearing, matched by item code). Six queries at most."""
    study = self_study_for(hub=hub, fiscal_year=hearing.fiscal_year)
    submitted = study is not None and study.is_submitted
    areas = guideline_areas(hearing.guideline)
    if submitted:
        with_content(areas, study)
    last_year = last_year_levels(hub=hub, fiscal_year=hearing.fiscal_year)
    for area in areas:
        for item in area.items.all():
            item.last_level = last_year.get(item.code)
    return {"study": study, "submitted": submitted, "areas": areas,
            "had_last_year": bool(last_year), "last_year": hearing.fiscal_year - 1}
