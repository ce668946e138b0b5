"""Reads for the hubs app. Every hub-owned read goes through for_user()."""

from django.db.models import Case, CharField, Count, F, Prefetch, Q, Value, When
from django.db.models.functions import Concat

from yorozu.core import fiscal

from .access import AuthorisedHub, hub_access
from .models import Appointment, Bureau, Hub, SupportAgency
from .roles import APPROVE_APPOINTMENT, PROPOSE_APPOINTMENT, VIEW_AGENCIES, VIEW_HUB, Role


def appointments_named(appointments, access) -> list:
    """Each with .name as this user may see it (Appointment.shown_name)."""
    appointments = list(appointments)
    for appointment in appointments:
        appointment.name = appointment.shown_name(
            sees_account=access.can(APPROVE_APPOINTMENT, appointment.hub_id))
    return appointments


def hub_list(*, user):
    """Hubs the user may see, with their number of staff in term today: one query."""
    today = fiscal.today()
    in_term = Q(appointments__status=Appointment.Status.APPROVED,
                appointments__starts_on__lte=today, appointments__ends_on__gte=today)
    return (
        Hub.objects.for_user(user, VIEW_HUB)
        .select_related("bureau")
        .annotate(staff_count=Count("appointments", filter=in_term))
        .order_by("bureau__sort_order", "jis_code")
    )


def hub_staff(*, hub: AuthorisedHub):
    """The hub's appointments in force (the caller authorised VIEW_STAFF there)."""
    return (
        Appointment.objects.active().filter(hub=hub.hub)
        .select_related("user").order_by("role", "user__family_name_kana")
    )


def _appointment_hubs(access) -> list[int]:
    """The hubs whose appointments the user decides on or proposes."""
    visible = (access.hub_ids(APPROVE_APPOINTMENT) or frozenset()) | (
        access.hub_ids(PROPOSE_APPOINTMENT) or frozenset())
    return sorted(visible)


def appointment_queue(*, user):
    """Proposals awaiting a decision that the user may decide or has proposed."""
    return (
        Appointment.objects.filter(status=Appointment.Status.PROPOSED,
                                   hub_id__in=_appointment_hubs(hub_access(user)))
        .select_related("user", "hub", "proposed_by")
        .order_by("starts_on", "pk")
    )


def appointment_decisions(*, user):
    """Coordinator appointments decided at the user's hubs, newest decision first."""
    return (
        Appointment.objects.filter(hub_id__in=_appointment_hubs(hub_access(user)),
                                   role=Role.COORDINATOR)
        .exclude(status=Appointment.Status.PROPOSED)
        .select_related("user", "hub", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def appointment_all(*, user):
    """Every coordinator appointment of the appointments page, proposed or decided (its
    download)."""
    return (
        Appointment.objects.filter(hub_id__in=_appointment_hubs(hub_access(user)),
                                   role=Role.COORDINATOR)
        .select_related("user", "hub", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def with_name_key(appointments, access):
    """Each with `name_key`, the sort key of the person's name as this user sees it
    (Appointment.shown_name): the account's name in kana where the user decides on the hub's
    appointments or the proposal typed none, else the name the proposal typed. So a sort
    never orders a hub's proposals by names it may not see."""
    account = Concat("user__family_name_kana", Value(" "), "user__given_name_kana", Value(" "),
                     "user__family_name", Value(" "), "user__given_name",
                     output_field=CharField())
    deciding = access.hub_ids(APPROVE_APPOINTMENT)
    if deciding is None:  # everywhere
        return appointments.annotate(name_key=account)
    return appointments.annotate(name_key=Case(
        When(Q(hub_id__in=sorted(deciding)) | Q(proposed_name=""), then=account),
        default=F("proposed_name"), output_field=CharField()))


def agency_list(*, user, hub: AuthorisedHub, include_inactive: bool = False):
    agencies = SupportAgency.objects.for_user(user, VIEW_AGENCIES).filter(hub=hub.hub)
    if not include_inactive:
        agencies = agencies.filter(is_active=True)
    return agencies.order_by("kind", "name")


def user_appointments(*, user):
    """The user's appointments in force today, for the home page and the navigation."""
    return list(
        Appointment.objects.active().filter(user=user).select_related("hub", "bureau")
        .order_by("role")
    )


def bureaus_with_hubs(*, user):
    hubs = hub_list(user=user)
    return Bureau.objects.filter(hubs__in=hubs).distinct().prefetch_related(
        Prefetch("hubs", queryset=hubs, to_attr="visible_hubs")
    )
