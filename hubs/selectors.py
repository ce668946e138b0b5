"""Reads for the hubs app. Every hub-owned read goes through for_user()."""

from django.db.models import Count, Prefetch, Q

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


def appointment_queue(*, user):
    """Proposals awaiting a decision that the user may decide or has proposed."""
    access = hub_access(user)
    deciding = access.hub_ids(APPROVE_APPOINTMENT)
    proposing = access.hub_ids(PROPOSE_APPOINTMENT)
    visible = (deciding or frozenset()) | (proposing or frozenset())
    return (
        Appointment.objects.filter(status=Appointment.Status.PROPOSED, hub_id__in=visible)
        .select_related("user", "hub", "proposed_by")
        .order_by("starts_on", "pk")
    )


def appointment_recent(*, user, limit: int = 20):
    access = hub_access(user)
    visible = (access.hub_ids(APPROVE_APPOINTMENT) or frozenset()) | (
        access.hub_ids(PROPOSE_APPOINTMENT) or frozenset()
    )
    return (
        Appointment.objects.filter(hub_id__in=visible, role=Role.COORDINATOR)
        .exclude(status=Appointment.Status.PROPOSED)
        .select_related("user", "hub", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


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
