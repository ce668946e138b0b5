"""Writes for the hubs app: reference data, role groups kept in step with appointments, the
appointment workflow and the support-agency directory."""

import csv
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from yorozu.core import fiscal
from yorozu.core.errors import WorkflowError
from yorozu.core.versioned import versioned_update

from .access import NotAllowed, hub_access, hub_access_forget, require
from .invitations import invitable, invitation_send
from .models import (
    Appointment,
    Bureau,
    BureauGroupObjectPermission,
    Hub,
    HubGroupObjectPermission,
    SupportAgency,
)
from .roles import (
    APPROVE_APPOINTMENT,
    BUREAU_PERMISSIONS,
    MANAGE_AGENCIES,
    PROPOSE_APPOINTMENT,
    Role,
    role_permissions,
)
from .signals import appointment_approved

DATA_DIR = Path(__file__).resolve().parent / "data"
HQ_GROUP = "hq"


# --- Reference data ---------------------------------------------------------------------------
def reference_load() -> None:
    """Creates the 9 bureaus and 47 hubs from hubs/data; leaves existing rows (and what admins
    edited on them) alone. Runs after every migrate, so it must be cheap when nothing is new."""
    if Hub.objects.count() == 47 and Bureau.objects.count() == 9:
        return
    with open(DATA_DIR / "bureaus.csv", encoding="utf-8") as f:
        for order, row in enumerate(csv.DictReader(f)):
            Bureau.objects.get_or_create(
                code=row["code"],
                defaults={"name_ja": row["name_ja"], "name_en": row["name_en"],
                          "sort_order": order},
            )
    bureaus = {b.code: b for b in Bureau.objects.all()}
    with open(DATA_DIR / "prefectures.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Hub.objects.get_or_create(
                jis_code=row["jis_code"],
                defaults={"prefecture_ja": row["name_ja"], "prefecture_en": row["name_en"],
                          "bureau": bureaus[row["bureau"]]},
            )


# --- Role groups ------------------------------------------------------------------------------
def role_group_name(appointment: Appointment) -> str:
    if appointment.role == Role.HQ:
        return HQ_GROUP
    if appointment.role == Role.BUREAU:
        return f"bureau:{appointment.bureau.code}"
    return f"hub:{appointment.hub.jis_code}:{appointment.role}"


def is_role_group(name: str) -> bool:
    return name == HQ_GROUP or name.startswith(("hub:", "bureau:"))


def role_group_grant(group: Group) -> None:
    """Makes the group's permissions exactly what its role holds (roles.role_permissions): a
    few bulk statements, since this runs whenever a group is first needed and after every
    migrate."""
    HubGroupObjectPermission.objects.filter(group=group).delete()
    BureauGroupObjectPermission.objects.filter(group=group).delete()
    if group.name == HQ_GROUP:
        group.permissions.set(_permissions("hub", role_permissions(Role.HQ)).values())
        return
    group.permissions.clear()
    kind, code, *role = group.name.split(":")
    if kind == "bureau":
        bureau = Bureau.objects.get(code=code)
        hub_ids = list(bureau.hubs.values_list("pk", flat=True))
        hub_perms = _permissions("hub", role_permissions(Role.BUREAU))
        BureauGroupObjectPermission.objects.bulk_create(
            BureauGroupObjectPermission(group=group, permission=perm, content_object=bureau)
            for perm in _permissions("bureau", BUREAU_PERMISSIONS).values()
        )
    else:
        hub_ids = list(Hub.objects.filter(jis_code=code).values_list("pk", flat=True))
        hub_perms = _permissions("hub", role_permissions(role[0]))
    HubGroupObjectPermission.objects.bulk_create(
        HubGroupObjectPermission(group=group, permission=perm, content_object_id=hub_id)
        for perm in hub_perms.values() for hub_id in hub_ids
    )


def role_groups_regrant() -> None:
    """After a deploy that changed hubs.roles: bring every existing role group up to date."""
    for group in Group.objects.all():
        if is_role_group(group.name):
            role_group_grant(group)


def _permissions(model: str, codenames) -> dict[str, Permission]:
    perms = Permission.objects.filter(content_type__app_label="hubs",
                                      content_type__model=model, codename__in=codenames)
    found = {p.codename: p for p in perms}
    missing = set(codenames) - found.keys()
    if missing:  # a typo in hubs.roles must not silently grant less
        raise LookupError(f"unknown permissions on {model}: {sorted(missing)}")
    return found


def _role_group(name: str) -> Group:
    group, created = Group.objects.get_or_create(name=name)
    if created:
        role_group_grant(group)
    return group


# --- Access follows appointments --------------------------------------------------------------
@transaction.atomic
def access_sync_for_user(*, user, today: date | None = None) -> bool:
    """Rebuilds the user's role-group memberships from the appointments in force today.
    Returns whether anything changed."""
    today = today or fiscal.today()
    active = Appointment.objects.active(on=today).filter(user=user).select_related(
        "hub", "bureau"
    )
    wanted = {role_group_name(a) for a in active} if user.is_active else set()
    current = {g.name: g for g in user.groups.all() if is_role_group(g.name)}
    removed = [g for name, g in current.items() if name not in wanted]
    added = [_role_group(name) for name in wanted - current.keys()]
    if removed:
        user.groups.remove(*removed)
    if added:
        user.groups.add(*added)
    get_user_model().objects.filter(pk=user.pk).update(access_synced_on=today)
    user.access_synced_on = today
    hub_access_forget(user)
    return bool(removed or added)


def access_sync_all(*, today: date | None = None) -> int:
    """Resyncs every user not yet synced today (terms end at midnight). Returns how many
    users' access changed."""
    today = today or fiscal.today()
    User = get_user_model()
    stale = User.objects.exclude(access_synced_on=today)
    return sum(access_sync_for_user(user=user, today=today) for user in stale.iterator())


# --- Appointments -----------------------------------------------------------------------------
@transaction.atomic
def appointment_propose(*, hub: Hub, by, email: str, family_name: str, given_name: str,
                        starts_on: date, ends_on: date, note: str = "") -> Appointment:
    """A chief coordinator or implementing organization proposes a coordinator; the bureau
    approves. A person without an account gets one, with no password until approval. An
    existing account keeps its name; the proposal keeps the one typed, which is all the hub
    is shown (Appointment.shown_name)."""
    require(by, PROPOSE_APPOINTMENT, hub)
    User = get_user_model()
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        user = User.objects.create_user(email, None, family_name=family_name,
                                        given_name=given_name)
    appointment = Appointment(
        user=user, role=Role.COORDINATOR, hub=hub, fiscal_year=fiscal.fiscal_year_of(starts_on),
        starts_on=starts_on, ends_on=ends_on, status=Appointment.Status.PROPOSED,
        proposed_by=by, proposed_name=f"{family_name} {given_name}".strip(), note=note,
    )
    appointment.full_clean()
    appointment.save()
    return appointment


def _decide(appointment: Appointment, *, by, perm: str, allowed_from: set[str],
            to: str, note: str = "") -> Appointment:
    require(by, perm, appointment.hub_id)
    # Compare-and-set on the status, so that two reviewers clicking at once cannot both win.
    updated = Appointment.objects.filter(pk=appointment.pk, status__in=allowed_from).update(
        status=to, decided_by=by, decided_at=timezone.now(),
        note=(f"{appointment.note}\n{note}".strip() if note else appointment.note),
    )
    if not updated:
        raise WorkflowError("state changed")
    appointment.refresh_from_db()
    access_sync_for_user(user=appointment.user)
    return appointment


@transaction.atomic
def appointment_approve(*, appointment: Appointment, by) -> Appointment:
    appointment = _decide(appointment, by=by, perm=APPROVE_APPOINTMENT,
                          allowed_from={Appointment.Status.PROPOSED},
                          to=Appointment.Status.APPROVED)
    # The invitation is a job's (yorozu/jobs/invitations.py listens): recorded in this
    # transaction, so no email for an approval that rolls back, and sent after the commit,
    # so nothing that happens to the email undoes the approval (a failure is recorded on the
    # appointment and the job tries again).
    appointment_approved.send(sender=Appointment, appointment=appointment)
    return appointment


def appointment_invite(*, appointment: Appointment, by) -> bool:
    """Sends the invitation of an approved appointment again, for the bureau or the hub that
    proposed it (the first one was lost, expired or could not be sent). Returns whether the
    mail server took it."""
    access = hub_access(by)
    if not (access.can(APPROVE_APPOINTMENT, appointment.hub_id)
            or access.can(PROPOSE_APPOINTMENT, appointment.hub_id)):
        raise NotAllowed(APPROVE_APPOINTMENT)
    if not invitable(appointment):
        raise WorkflowError("not in force")
    return invitation_send(appointment=appointment)


@transaction.atomic
def appointment_reject(*, appointment: Appointment, by, note: str = "") -> Appointment:
    return _decide(appointment, by=by, perm=APPROVE_APPOINTMENT, note=note,
                   allowed_from={Appointment.Status.PROPOSED}, to=Appointment.Status.REJECTED)


@transaction.atomic
def appointment_withdraw(*, appointment: Appointment, by) -> Appointment:
    return _decide(appointment, by=by, perm=PROPOSE_APPOINTMENT,
                   allowed_from={Appointment.Status.PROPOSED}, to=Appointment.Status.WITHDRAWN)


@transaction.atomic
def appointment_revoke(*, appointment: Appointment, by, note: str = "") -> Appointment:
    return _decide(appointment, by=by, perm=APPROVE_APPOINTMENT, note=note,
                   allowed_from={Appointment.Status.APPROVED}, to=Appointment.Status.REVOKED)


# --- Support agencies -------------------------------------------------------------------------
AGENCY_FIELDS = ["name", "kind", "contact_person", "email", "phone", "notes", "is_active"]


def agency_create(*, hub: Hub, by, data: dict) -> SupportAgency:
    require(by, MANAGE_AGENCIES, hub)
    agency = SupportAgency(hub=hub, updated_by=by, **{f: data[f] for f in AGENCY_FIELDS})
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def agency_update(*, agency: SupportAgency, by, data: dict, version: int) -> SupportAgency:
    """Saves only if nobody saved since `version` was read; otherwise raises EditConflict with
    the stored record, so the user can compare and nothing is overwritten silently."""
    require(by, MANAGE_AGENCIES, agency.hub_id)
    versioned_update(agency, version=version,
                     fields={**{f: data[f] for f in AGENCY_FIELDS}, "updated_by": by})
    agency.refresh_from_db()  # updated_at too
    return agency
