"""Writes for the guideline and for hearings. Only HQ (the EVALUATE permission, held on every
hub) writes here; hubs and bureaus only read what HQ has published."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from evaluation.permissions import EVALUATE
from hubs.access import require
from hubs.models import Hub
from yorozu.core.errors import EditConflict, WorkflowError
from yorozu.core.versioned import versioned_update

from .models import Area, Guideline, Hearing, HearingEvent, Item, Score

__all__ = ["EditConflict", "WorkflowError"]



# --- The guideline ---------------------------------------------------------------------------
def require_draft(guideline: Guideline) -> None:
    """A published guideline is frozen: the scores of its year refer to its exact words."""
    if guideline.is_published:
        raise WorkflowError("published guidelines are frozen")


@transaction.atomic
def guideline_create_from_starter(*, fiscal_year: int, by) -> Guideline:
    """The first guideline: the starter draft derived from the 2017 review, for HQ to edit."""
    from . import starter_data

    require(by, EVALUATE)
    guideline = Guideline.objects.create(fiscal_year=fiscal_year, title=starter_data.TITLE,
                                         preface=starter_data.PREFACE)
    for area_order, area in enumerate(starter_data.AREAS):
        created = Area.objects.create(guideline=guideline, code=area["code"],
                                      title=area["title"], sort_order=area_order,
                                      description=area.get("description", ""))
        Item.objects.bulk_create(
            Item(area=created, code=item["code"], behaviour=item["behaviour"],
                 roles=item["roles"], level_1=item["levels"][0], level_2=item["levels"][1],
                 level_3=item["levels"][2], level_4=item["levels"][3],
                 evidence_hints=item["evidence"], sort_order=order)
            for order, item in enumerate(area["items"]))
    return guideline


@transaction.atomic
def guideline_copy(*, source: Guideline, fiscal_year: int, by) -> Guideline:
    """A new year starts as a draft copy of an earlier version."""
    require(by, EVALUATE)
    if Guideline.objects.filter(fiscal_year=fiscal_year).exists():
        raise WorkflowError("that year has a guideline already")
    copy = Guideline.objects.create(fiscal_year=fiscal_year, title=source.title,
                                    preface=source.preface, copied_from=source)
    for area in source.areas.prefetch_related("items"):
        items = list(area.items.all())
        area.pk, area.guideline = None, copy
        area.save()
        for item in items:
            item.pk, item.area = None, area
        Item.objects.bulk_create(items)
    return copy


def guideline_update(*, guideline: Guideline, by, data: dict) -> Guideline:
    require(by, EVALUATE)
    require_draft(guideline)
    for name in ("title", "preface"):
        setattr(guideline, name, data[name])
    guideline.full_clean()
    guideline.save()
    return guideline


def area_update(*, area: Area, by, data: dict) -> Area:
    require(by, EVALUATE)
    require_draft(area.guideline)
    area.title, area.description = data["title"], data["description"]
    area.full_clean()
    area.save()
    return area


def item_save(*, item: Item, by, data: dict) -> Item:
    """Creates or edits an item of a draft guideline."""
    require(by, EVALUATE)
    require_draft(item.area.guideline)
    for name, value in data.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


def item_delete(*, item: Item, by) -> None:
    require(by, EVALUATE)
    require_draft(item.area.guideline)
    item.delete()


@transaction.atomic
def guideline_publish(*, guideline: Guideline, by) -> Guideline:
    require(by, EVALUATE)
    require_draft(guideline)
    if not Item.objects.filter(area__guideline=guideline).exists():
        raise WorkflowError("a guideline needs items")
    guideline.status = Guideline.Status.PUBLISHED
    guideline.published_at, guideline.published_by = timezone.now(), by
    guideline.save()
    return guideline


# --- Hearings --------------------------------------------------------------------------------
@transaction.atomic
def hearing_schedule(*, hub: Hub, fiscal_year: int, held_on: date, lead, by,
                     attendees: str = "", notes: str = "") -> Hearing:
    require(by, EVALUATE)
    require(lead, EVALUATE)
    guideline = Guideline.objects.filter(fiscal_year=fiscal_year,
                                         status=Guideline.Status.PUBLISHED).first()
    if guideline is None:
        raise WorkflowError("publish the year's guideline first")
    hearing = Hearing(hub=hub, fiscal_year=fiscal_year, guideline=guideline, held_on=held_on,
                      lead=lead, attendees=attendees, notes=notes)
    hearing.full_clean()
    hearing.save()
    HearingEvent.objects.create(hearing=hearing, action=HearingEvent.Action.SCHEDULED, by=by)
    return hearing


RECORD_FIELDS = ["held_on", "lead", "attendees", "notes"]


@transaction.atomic
def hearing_update(*, hearing: Hearing, by, data: dict, version: int) -> Hearing:
    """Saves the hearing's record (date, lead, attendees, notes) and nothing else, so that it
    can never undo a finalisation made meanwhile; a stale `version` raises EditConflict."""
    require(by, EVALUATE)
    return versioned_update(hearing, version=version, check=_not_finalised,
                            fields={name: data[name] for name in RECORD_FIELDS})


def _not_finalised(hearing: Hearing) -> None:
    if hearing.is_locked:
        raise WorkflowError("finalised")


@transaction.atomic
def score_save(*, hearing: Hearing, item: Item, by, level: int | None, evidence: str,
               version: int) -> Score:
    """Saves one item's score if nobody saved it since `version`; otherwise raises
    EditConflict with the stored score. Two HQ users scoring different items never collide;
    on the same item the second sees the first's input instead of overwriting it."""
    require(by, EVALUATE)
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    if hearing.is_locked:
        raise WorkflowError("finalised")
    if item.area.guideline_id != hearing.guideline_id:
        raise WorkflowError("item of another guideline")
    score, _created = Score.objects.get_or_create(hearing=hearing, item=item)
    score = versioned_update(score, version=version,
                             fields={"level": level, "evidence": evidence, "updated_by": by})
    if hearing.status == Hearing.Status.SCHEDULED:
        Hearing.objects.filter(pk=hearing.pk).update(status=Hearing.Status.SCORING)
    return score


def _event(hearing: Hearing, action: str, by, note: str = "") -> None:
    HearingEvent.objects.create(hearing=hearing, action=action, by=by, note=note)


def _locked_for_lead(hearing: Hearing, by) -> Hearing:
    """The hearing as stored now, locked for this decision, if `by` is its HQ lead."""
    require(by, EVALUATE)
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    if hearing.lead_id != by.pk:
        raise WorkflowError("only the hearing's HQ lead decides")
    return hearing


@transaction.atomic
def hearing_finalise(*, hearing: Hearing, by) -> Hearing:
    hearing = _locked_for_lead(hearing, by)
    if hearing.is_locked:
        raise WorkflowError("already finalised")
    items = Item.objects.filter(area__guideline=hearing.guideline_id).count()
    scored = hearing.scores.filter(level__isnull=False).count()
    if scored < items:
        raise WorkflowError("every item needs a level")
    hearing.status, hearing.finalised_at = Hearing.Status.FINALISED, timezone.now()
    hearing.save()
    _event(hearing, HearingEvent.Action.FINALISED, by)
    return hearing


@transaction.atomic
def hearing_reopen(*, hearing: Hearing, by, reason: str) -> Hearing:
    """Unlocks the scores (and withdraws publication); the reason stays in the audit."""
    hearing = _locked_for_lead(hearing, by)
    if not hearing.is_locked:
        raise WorkflowError("not finalised")
    if not reason.strip():
        raise WorkflowError("a reason is needed")
    hearing.status, hearing.finalised_at, hearing.published_at = Hearing.Status.SCORING, None, None
    hearing.save()
    _event(hearing, HearingEvent.Action.REOPENED, by, reason.strip())
    return hearing


@transaction.atomic
def hearing_publish(*, hearing: Hearing, by) -> Hearing:
    hearing = _locked_for_lead(hearing, by)
    if hearing.status != Hearing.Status.FINALISED:
        raise WorkflowError("finalise first")
    hearing.status, hearing.published_at = Hearing.Status.PUBLISHED, timezone.now()
    hearing.save()
    _event(hearing, HearingEvent.Action.PUBLISHED, by)
    return hearing
