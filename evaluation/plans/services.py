"""Writes for annual plans. The chief coordinator and the implementing organization draft the
plan together and each confirms it; the second confirmation submits it as a frozen version.
The bureau starts the review, returns it with a comment or accepts it; an accepted plan can be
reopened for a mid-year revision, whose submission is a new version reviewed again.

Every function checks the actor's permission on the plan's hub and changes the status with a
compare-and-set, so that two people clicking at once cannot both win."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from evaluation.plans.permissions import COMMENT_PLAN, EDIT_PLAN, REVIEW_PLAN
from hubs.access import require
from hubs.models import Appointment, Hub, SupportAgency
from hubs.roles import Role
from yorozu.core.errors import EditConflict, WorkflowError
from yorozu.core.versioned import locked_at_version

from . import content as plan_content
from . import measures
from .models import (
    SECTIONS,
    AnnualPlan,
    PlanCollaboration,
    PlanComment,
    PlanNotification,
    PlanPriority,
    PlanTarget,
    PlanVersion,
)

__all__ = ["EditConflict", "PlanIncomplete", "WorkflowError"]


class PlanIncomplete(WorkflowError):
    """The draft is not ready to be confirmed: `priorities` lists (position from 1, priority,
    what it lacks) for each priority area without a measure and a target."""

    def __init__(self, priorities: list):
        super().__init__("a priority area lacks its measure or target")
        self.priorities = priorities

Status = AnnualPlan.Status
UNDER_REVIEW = (Status.SUBMITTED, Status.IN_REVIEW)
# Who confirmed the draft and when; copied onto the version the two confirmations submit.
CONFIRMATION_FIELDS = ("chief_confirmed_by", "chief_confirmed_at", "org_confirmed_by",
                       "org_confirmed_at")
NO_CONFIRMATIONS = dict.fromkeys(CONFIRMATION_FIELDS)



def _locked(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update().get(pk=plan.pk)


def _refresh(plan: AnnualPlan) -> AnnualPlan:
    """The caller's instance, brought up to date with what was saved."""
    plan.refresh_from_db()
    return plan


def latest_version(plan: AnnualPlan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


def _notify(version: PlanVersion, event: str) -> PlanNotification:
    """One notification per version and event; its email is a job, enqueued after the commit
    (a broker outage leaves it waiting for the sweeper, and does not undo the plan's step)."""
    from .tasks import notify_start

    notification, _created = PlanNotification.objects.get_or_create(version=version,
                                                                     event=event)
    notify_start(notification)
    return notification


def confirming_roles(*, user, hub_id: int) -> set[str]:
    """Which confirmations the user gives: 'chief' and/or 'impl_org', from their appointments
    in force today at the hub."""
    return set(
        Appointment.objects.active().filter(user=user, hub_id=hub_id,
                                            role__in=[Role.CHIEF, Role.IMPL_ORG])
        .values_list("role", flat=True)
    )


# --- Drafting ---------------------------------------------------------------------------------
@transaction.atomic
def plan_get_or_create(*, hub: Hub, fiscal_year: int, by) -> AnnualPlan:
    """The hub's plan for the year; a new one is an empty draft (it reads as the skeleton:
    plans/content.py, snapshot; the edit page offers the year's policy's indicators)."""
    require(by, EDIT_PLAN, hub.pk)
    plan, _created = AnnualPlan.objects.get_or_create(
        hub=hub, fiscal_year=fiscal_year, defaults={"updated_by": by})
    return plan


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _target_row(plan: AnnualPlan, code: str, target: dict) -> PlanTarget:
    months = target.get("months") or [None] * plan_content.MONTHS
    return PlanTarget(plan=plan, code=code, year=_decimal(target["year"]),
                      **{name: _decimal(value)
                         for name, value in zip(PlanTarget.MONTH_FIELDS, months, strict=True)})


def _hubs_agencies(plan: AnnualPlan, content: dict) -> None:
    """Refuses a collaboration with an agency outside the plan's hub's directory (the
    database refuses it too: see PlanCollaboration)."""
    wanted = {row["agency_id"] for row in content["collaboration"]}
    found = set(SupportAgency.objects.filter(hub_id=plan.hub_id, pk__in=wanted)
                .values_list("pk", flat=True))
    if wanted - found:
        raise WorkflowError("a collaboration names an agency of another hub's directory")


def draft_save(*, plan: AnnualPlan, content: dict) -> None:
    """Writes the document (plans/content.py) into the draft's columns and rows, replacing
    the rows it had. No permission, state or version check: plan_update makes them; the demo
    data and the tests' factories write drafts directly."""
    content = plan_content.normalize(content)
    _hubs_agencies(plan, content)
    for name in plan_content.ANALYSIS_FIELDS:
        setattr(plan, plan_content.analysis_field(name), content["analysis"][name])
    plan.initiatives = content["initiatives"]
    plan.save(update_fields=[*(plan_content.analysis_field(n)
                               for n in plan_content.ANALYSIS_FIELDS), "initiatives"])
    for model in (PlanTarget, PlanPriority, PlanCollaboration):
        model.objects.filter(plan=plan).delete()
    PlanTarget.objects.bulk_create([
        _target_row(plan, code, target) for code, target in content["targets"].items()
        if not plan_content.is_empty_target(target)])
    PlanPriority.objects.bulk_create([
        PlanPriority(plan=plan, position=n, **{**row, "target": _decimal(row["target"])})
        for n, row in enumerate(content["priorities"], start=1)])
    PlanCollaboration.objects.bulk_create([
        PlanCollaboration(plan=plan, hub_id=plan.hub_id, position=n,
                          agency_id=row["agency_id"], text=row["plan"])
        for n, row in enumerate(content["collaboration"], start=1)])


def _editable(refusal: str):
    """A plan's state check for locked_at_version: only a draft or a returned plan changes."""
    def check(plan: AnnualPlan) -> None:
        if not plan.is_editable:
            raise WorkflowError(refusal)
    return check


@transaction.atomic
def plan_update(*, plan: AnnualPlan, by, content: dict, version: int) -> AnnualPlan:
    """Saves the draft if nobody saved since `version` was read; otherwise raises
    EditConflict with the stored plan. A change withdraws both confirmations: each side
    confirms what the plan now says."""
    require(by, EDIT_PLAN, plan.hub_id)
    current = locked_at_version(AnnualPlan, pk=plan.pk, version=version,
                                check=_editable("only a draft or a returned plan is edited"))
    content = plan_content.normalize(content)
    if content == plan_content.snapshot(current):
        return _refresh(plan)  # nothing changed: confirmations stand
    draft_save(plan=current, content=content)
    AnnualPlan.objects.filter(pk=plan.pk).update(
        version=current.version + 1, updated_by=by, updated_at=timezone.now(),
        **NO_CONFIRMATIONS,
    )
    return _refresh(plan)


@transaction.atomic
def plan_confirm(*, plan: AnnualPlan, by, version: int | None = None) -> AnnualPlan:
    """The chief coordinator's or the implementing organization's confirmation. The second
    one submits the plan: a frozen version for the bureau. With `version`, a plan changed
    since the user read it raises EditConflict instead of being confirmed unseen. A draft
    with a priority area lacking its measure or target is not confirmed (PlanIncomplete):
    a plan goes to the bureau only with every priority measurable."""
    require(by, EDIT_PLAN, plan.hub_id)
    current = locked_at_version(AnnualPlan, pk=plan.pk, version=version,
                                check=_editable("only a draft or a returned plan is confirmed"))
    if lacking := measures.incomplete(plan_content.snapshot(current)["priorities"]):
        raise PlanIncomplete(lacking)
    roles = confirming_roles(user=by, hub_id=current.hub_id)
    if not roles:
        raise WorkflowError("only the chief coordinator or the implementing organization")
    now = timezone.now()
    if Role.CHIEF in roles:
        current.chief_confirmed_by, current.chief_confirmed_at = by, now
    if Role.IMPL_ORG in roles:
        current.org_confirmed_by, current.org_confirmed_at = by, now
    if current.chief_confirmed_by_id and current.org_confirmed_by_id:
        _submit(current, by)
    else:
        current.save(update_fields=[*CONFIRMATION_FIELDS, "updated_at"])
    return _refresh(plan)


def _submit(plan: AnnualPlan, by) -> PlanVersion:
    """Freezes the draft as the next version, with the two confirmations that submitted it
    (the bureau sees who confirmed what and when); the draft starts again unconfirmed."""
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, content=plan_content.snapshot(plan), submitted_by=by,
        **{name: getattr(plan, name) for name in CONFIRMATION_FIELDS})
    plan.status = Status.SUBMITTED
    for name, value in NO_CONFIRMATIONS.items():
        setattr(plan, name, value)
    plan.version += 1
    plan.save(update_fields=["status", *CONFIRMATION_FIELDS, "version", "updated_at"])
    _notify(version, "submitted")
    return version


# --- Review -----------------------------------------------------------------------------------
def _transition(plan: AnnualPlan, *, allowed_from, to: str) -> AnnualPlan:
    current = _locked(plan)
    if current.status not in allowed_from:
        raise WorkflowError("the plan's state does not allow this")
    current.status = to
    current.version += 1
    current.save(update_fields=["status", "version", "updated_at"])
    return current


@transaction.atomic
def plan_start_review(*, plan: AnnualPlan, by) -> AnnualPlan:
    require(by, REVIEW_PLAN, plan.hub_id)
    _transition(plan, allowed_from=(Status.SUBMITTED,), to=Status.IN_REVIEW)
    return _refresh(plan)


def _decide(plan: AnnualPlan, by, *, to: str) -> PlanVersion:
    current = _transition(plan, allowed_from=UNDER_REVIEW, to=to)
    version = latest_version(current)
    if version is None:  # a submitted plan always has one; guards hand-edited data
        raise WorkflowError("nothing was submitted")
    version.outcome, version.decided_by, version.decided_at = to, by, timezone.now()
    version.save(update_fields=["outcome", "decided_by", "decided_at"])
    return version


def _require_section(section: str, text: str) -> str:
    if section not in dict(SECTIONS):
        raise WorkflowError("unknown section")
    text = (text or "").strip()
    if not text:
        raise WorkflowError("a comment needs text")
    return text


@transaction.atomic
def plan_return(*, plan: AnnualPlan, by, comment_text: str, section: str) -> AnnualPlan:
    """Back to the hub for revision, with a comment on the section to revise."""
    require(by, REVIEW_PLAN, plan.hub_id)
    text = _require_section(section, comment_text)
    version = _decide(plan, by, to=Status.RETURNED)
    PlanComment.objects.create(plan=plan, on_version=version, section=section, text=text,
                               author=by)
    _notify(version, "returned")
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_accept(*, plan: AnnualPlan, by) -> AnnualPlan:
    require(by, REVIEW_PLAN, plan.hub_id)
    version = _decide(plan, by, to=Status.ACCEPTED)
    _notify(version, "accepted")
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_revise(*, plan: AnnualPlan, by) -> AnnualPlan:
    """Reopens an accepted plan as a draft for a mid-year revision. The content is kept; the
    accepted version stays the yardstick until a revision is accepted."""
    require(by, EDIT_PLAN, plan.hub_id)
    current = _transition(plan, allowed_from=(Status.ACCEPTED,), to=Status.DRAFT)
    AnnualPlan.objects.filter(pk=current.pk).update(**NO_CONFIRMATIONS, updated_by=by)
    return _refresh(plan)


@transaction.atomic
def comment_add(*, plan: AnnualPlan, by, section: str, text: str) -> PlanComment:
    """A bureau's or HQ's comment on a section, attached to the latest submitted version (none
    before the first submission). Comments stay as the plan moves on to later versions."""
    require(by, COMMENT_PLAN, plan.hub_id)
    text = _require_section(section, text)
    return PlanComment.objects.create(plan=plan, on_version=latest_version(plan),
                                      section=section, text=text, author=by)
