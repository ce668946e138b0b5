"""Writes of client outcomes. Each checks the writer's right to change the hub's records (the
views check too; the service is the last line), validates with the model's own rules, keeps a
history record by the writer and, for edits, saves only over the version the writer read
(yorozu/core/versioned.py)."""

from django.db import transaction
from django.utils import timezone

from consultations.models import Client
from hubs.access import require
from hubs.roles import CHANGE_RECORDS
from yorozu.core.errors import EditConflict, WorkflowError
from yorozu.core.versioned import locked_at_version, versioned_update

from .models import FinancialSnapshot, Milestone

__all__ = ["EditConflict", "WorkflowError"]

SNAPSHOT_FIELDS = ["period_end", "sales", "operating_profit", "personnel_costs",
                   "depreciation", "employees", "source"]
SNAPSHOT_FIGURES = ["sales", "operating_profit", "personnel_costs", "depreciation",
                    "employees"]
MILESTONE_FIELDS = ["kind", "note", "achieved_on", "case", "session", "description",
                    "confirmed_on", "confirmation"]


def _save_new(obj, *, by):
    obj.created_by = by
    obj._history_user = by
    obj.full_clean()
    obj.save()
    return obj


def _verification(*, snapshot: FinancialSnapshot | None, data: dict, by, verified: bool
                  ) -> dict:
    """Who checked the figures: kept while they stand, the writer when they change or are
    checked now, nobody when unticked."""
    if not verified:
        return {"verified_by": None, "verified_at": None}
    unchanged = snapshot is not None and snapshot.verified_by_id is not None and all(
        getattr(snapshot, name) == data.get(name) for name in SNAPSHOT_FIGURES)
    if unchanged:
        return {"verified_by": snapshot.verified_by, "verified_at": snapshot.verified_at}
    return {"verified_by": by, "verified_at": timezone.now()}


# --- Financial snapshots ---------------------------------------------------------------------
def snapshot_create(*, client: Client, by, data: dict, verified: bool = False
                    ) -> FinancialSnapshot:
    require(by, CHANGE_RECORDS, client.hub_id)
    snapshot = FinancialSnapshot(hub_id=client.hub_id, client=client,
                                 **{f: data[f] for f in SNAPSHOT_FIELDS if f in data},
                                 **_verification(snapshot=None, data=data, by=by,
                                                 verified=verified))
    return _save_new(snapshot, by=by)


@transaction.atomic
def snapshot_update(*, snapshot: FinancialSnapshot, by, data: dict, version: int,
                    verified: bool = False) -> FinancialSnapshot:
    require(by, CHANGE_RECORDS, snapshot.hub_id)
    # Compared with the stored row: a form has already put the typed values on `snapshot`.
    stored = locked_at_version(FinancialSnapshot, pk=snapshot.pk, version=version)
    fields = {name: data[name] for name in SNAPSHOT_FIELDS if name in data}
    fields.update(_verification(snapshot=stored, data=data, by=by, verified=verified))
    return versioned_update(snapshot, version=version, fields=fields, history_user=by)


@transaction.atomic
def snapshot_delete(*, snapshot: FinancialSnapshot, by, version: int) -> None:
    """Deletes the snapshot if nobody saved it since `version` (EditConflict otherwise); its
    history keeps it, with who deleted it."""
    require(by, CHANGE_RECORDS, snapshot.hub_id)
    current = locked_at_version(FinancialSnapshot, pk=snapshot.pk, version=version)
    current._history_user = by
    current.delete()


# --- Milestones ------------------------------------------------------------------------------
def _confirmation(*, milestone: Milestone | None, data: dict, by) -> dict:
    """Who recorded the client's confirmation: the writer when it is entered or changed."""
    if not data.get("confirmed_on"):
        return {"confirmation_recorded_by": None}
    same = (milestone is not None and milestone.confirmation_recorded_by_id is not None
            and milestone.confirmed_on == data["confirmed_on"]
            and milestone.confirmation == data.get("confirmation"))
    return {"confirmation_recorded_by": milestone.confirmation_recorded_by if same else by}


def _attribution(client: Client, data: dict) -> None:
    """The case and session must be the client's (the form offers only those; the service
    never trusts that alone, and the model checks again)."""
    case, session = data.get("case"), data.get("session")
    if case is not None and case.client_id != client.pk:
        raise WorkflowError("the case belongs to another client")
    if session is not None and (case is None or session.case_id != case.pk):
        raise WorkflowError("the session belongs to another case")


def milestone_create(*, client: Client, by, data: dict) -> Milestone:
    require(by, CHANGE_RECORDS, client.hub_id)
    _attribution(client, data)
    milestone = Milestone(hub_id=client.hub_id, client=client,
                          **{f: data[f] for f in MILESTONE_FIELDS if f in data},
                          **_confirmation(milestone=None, data=data, by=by))
    return _save_new(milestone, by=by)


@transaction.atomic
def milestone_update(*, milestone: Milestone, by, data: dict, version: int) -> Milestone:
    require(by, CHANGE_RECORDS, milestone.hub_id)
    _attribution(milestone.client, data)
    stored = locked_at_version(Milestone, pk=milestone.pk, version=version)
    fields = {name: data[name] for name in MILESTONE_FIELDS if name in data}
    fields.update(_confirmation(milestone=stored, data=data, by=by))
    return versioned_update(milestone, version=version, fields=fields, history_user=by)


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by, version: int) -> None:
    require(by, CHANGE_RECORDS, milestone.hub_id)
    current = locked_at_version(Milestone, pk=milestone.pk, version=version)
    current._history_user = by
    current.delete()
