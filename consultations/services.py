"""Writes for consultations. Each checks the writer's access to the hub (views check too; the
service is the last line), saves with a version check, and leaves a history record."""

from datetime import date

from django.db import transaction

from hubs.access import require
from hubs.models import Hub
from hubs.roles import CHANGE_RECORDS
from yorozu.core.errors import EditConflict, WorkflowError
from yorozu.core.versioned import versioned_update

from .history import history_insert, links_insert
from .models import Case, Client, PersonalDataRead, Session

__all__ = ["EditConflict", "WorkflowError"]

CLIENT_FIELDS = ["name", "name_kana", "kind", "corporate_number", "industry", "employees",
                 "capital", "municipality", "representative", "contact_person", "phone",
                 "email", "survey_consent"]
CASE_FIELDS = ["lead", "depth", "status", "outcome", "opened_on", "closed_on"]
SESSION_FIELDS = ["held_on", "start_time", "duration_minutes", "channel", "summary",
                  "proposal", "next_step", "next_step_due"]



def require_hub_staff(hub_id: int, users) -> None:
    """A case's lead and a session's coordinators are the hub's own coordinators or chief
    coordinator in term (the forms offer only those; a service never trusts that alone)."""
    from hubs.models import Appointment
    from hubs.roles import Role

    wanted = {u.pk for u in users if u is not None}
    staff = set(Appointment.objects.active().filter(
        hub_id=hub_id, role__in=[Role.COORDINATOR, Role.CHIEF], user_id__in=wanted,
    ).values_list("user_id", flat=True))
    if wanted - staff:
        raise WorkflowError("not the hub's coordinators")


def _save_new(obj, *, by, known: tuple[str, ...] = ()):
    """Validates and saves a new record, created by `by`. Its relations set to records read
    from the database are not looked up again (a query each), nor are those named `known`."""
    obj.created_by = by
    obj._history_user = by
    read = [field.name for field in obj._meta.concrete_fields
            if field.is_relation and field.is_cached(obj)
            and getattr(obj, field.name) is not None
            and not getattr(obj, field.name)._state.adding]
    obj.full_clean(exclude=[*read, *known])
    obj.save()
    return obj


@transaction.atomic
def save_versioned(obj, *, by, data: dict, fields: list[str], version: int):
    """Applies `data` only if nobody saved since `version` was read; otherwise raises
    EditConflict with the stored record, so that the user can compare and nothing they typed
    is thrown away or silently overwrites someone else's work."""
    require(by, CHANGE_RECORDS, obj.hub_id)
    versioned_update(obj, version=version, history_user=by,
                     fields={name: data[name] for name in fields if name in data})
    return obj


# --- Clients ---------------------------------------------------------------------------------
def client_create(*, hub: Hub, by, data: dict) -> Client:
    require(by, CHANGE_RECORDS, hub.pk)
    return _save_new(Client(hub=hub, **{f: data[f] for f in CLIENT_FIELDS if f in data}), by=by)


def client_update(*, client: Client, by, data: dict, version: int) -> Client:
    return save_versioned(client, by=by, data=data, fields=CLIENT_FIELDS, version=version)


def personal_data_read_log(*, user, client: Client | None, hub_id: int, what: str,
                           rows: int | None = None, detail: str = "") -> None:
    """Every page or file that shows a client's contact details calls this. A file of many
    clients gives `rows` (how many it held) and `detail` (what chose them) instead of a
    client."""
    PersonalDataRead.objects.create(user=user, client=client, hub_id=hub_id, what=what,
                                    rows=rows, detail=detail[:500])


# --- Cases -----------------------------------------------------------------------------------
def case_create(*, client: Client, by, lead, topics, depth: str, opened_on: date) -> Case:
    require(by, CHANGE_RECORDS, client.hub_id)
    require_hub_staff(client.hub_id, [lead])
    case = _save_new(Case(hub_id=client.hub_id, client=client, lead=lead, depth=depth,
                          opened_on=opened_on), by=by)
    case.topics.set(topics, through_defaults={"hub_id": case.hub_id})
    return case


@transaction.atomic
def case_update(*, case: Case, by, data: dict, topics, version: int) -> Case:
    if data.get("status") == Case.Status.OPEN:
        data = {**data, "closed_on": None}
    if data.get("lead") is not None and data["lead"].pk != case.lead_id:
        require_hub_staff(case.hub_id, [data["lead"]])
    save_versioned(case, by=by, data=data, fields=CASE_FIELDS, version=version)
    if topics is not None and set(topics) != set(case.topics.all()):
        case.topics.set(topics, through_defaults={"hub_id": case.hub_id})
    return case


# --- Sessions --------------------------------------------------------------------------------
@transaction.atomic
def session_create(*, case: Case, by, data: dict, coordinators) -> Session:
    require(by, CHANGE_RECORDS, case.hub_id)
    if case.status != Case.Status.OPEN:
        raise WorkflowError("case is closed")
    coordinators = list(dict.fromkeys(coordinators or [by]))  # once each, as set() kept them
    require_hub_staff(case.hub_id, coordinators)
    session = Session(hub_id=case.hub_id, case=case,
                      **{f: data[f] for f in SESSION_FIELDS if f in data})
    # One history record, the coordinators on it, as an import writes it: simple-history
    # would write one without them and another when they are linked, reading the session
    # back for each (seven statements more on the quick log's save).
    session.skip_history_when_saving = True
    try:
        _save_new(session, by=by, known=("hub",))  # the case's own hub
    finally:
        del session.skip_history_when_saving
    links_insert(Session, "coordinators", [session], history_insert(Session, [session], by=by),
                 [coordinators])
    return session


@transaction.atomic
def session_update(*, session: Session, by, data: dict, coordinators, version: int) -> Session:
    if coordinators is not None:
        require_hub_staff(session.hub_id, coordinators)
    save_versioned(session, by=by, data=data, fields=SESSION_FIELDS, version=version)
    if coordinators is not None:
        session.coordinators.set(coordinators)
    return session


@transaction.atomic
def quick_log(*, hub: Hub, by, client: Client | None, client_data: dict | None,
              case: Case | None, case_data: dict, session_data: dict,
              coordinators) -> Session:
    """One consultation in one step: the client (found or new), the case (an open one of the
    client's, or a new one) and the session. All or nothing."""
    require(by, CHANGE_RECORDS, hub.pk)
    if client is None:
        client = client_create(hub=hub, by=by, data=client_data)
    if case is None:
        case = case_create(client=client, by=by, lead=case_data.get("lead") or by,
                           topics=case_data["topics"], depth=case_data["depth"],
                           opened_on=session_data["held_on"])
    elif case.client_id != client.pk:
        raise WorkflowError("case belongs to another client")
    return session_create(case=case, by=by, data=session_data, coordinators=coordinators)
