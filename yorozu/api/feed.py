"""A user's calendar feed (iCalendar, RFC 5545): the dates that concern them, as far as they
may see them. All-day events (every date here is a Tokyo date without a time), stable UIDs so
that a calendar app updates an event rather than adding another, summaries in Japanese.

- Hearings (HQ's ヒアリング): HQ, every hub's; a hub's staff and its bureau, their hubs'.
  Only the date and the hub: no scores, notes or names.
- Plan deadlines (the activity policy's 提出期限): HQ once for every hub, a bureau once for
  its hubs, the chief coordinator and the implementing organization for their hub (with the
  plan's state).
- Referral follow-up dates (紹介のフォローアップ期限) of open referrals: a coordinator's own
  cases, a chief coordinator's whole hub. The agency and the case number, never the client:
  a feed is read by a calendar service outside the system.

A fixed number of queries whatever the data (tests/project/test_query_budgets.py)."""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from consultations.models import Referral
from evaluation.models import Hearing
from evaluation.plans.models import ActivityPolicy, AnnualPlan
from evaluation.plans.permissions import EDIT_PLAN, REVIEW_PLAN, VIEW_PLAN
from hubs import selectors as hub_selectors
from hubs.access import hub_access
from hubs.roles import VIEW_HUB, VIEW_RECORDS, Role
from yorozu.core import fiscal

PAST_DAYS = 180  # how far back the feed reaches; calendars keep what they already have
MAX_REFERRALS = 500


@dataclass(frozen=True)
class Entry:
    uid: str
    day: date
    summary: str
    description: str
    path: str


def feed_entries(*, user, today: date | None = None) -> list[Entry]:
    today = today or fiscal.today()
    since = today - timedelta(days=PAST_DAYS)
    appointments = hub_selectors.user_appointments(user=user)
    return sorted([*_hearings(user, since), *_deadlines(user, appointments, since),
                   *_follow_ups(user, appointments, since)], key=lambda e: (e.day, e.uid))


def _hearings(user, since):
    is_hq = hub_access(user).is_national
    hearings = (Hearing.objects.for_user(user, VIEW_HUB).filter(held_on__gte=since)
                .select_related("hub").order_by("held_on", "pk"))
    for hearing in hearings:
        path = (reverse("evaluation:hearing_detail", args=[hearing.pk]) if is_hq
                else reverse("hubs:hub_detail", args=[hearing.hub.jis_code]))
        yield Entry(f"hearing-{hearing.pk}", hearing.held_on,
                    _("Hearing with HQ: %(hub)s") % {"hub": hearing.hub.name},
                    fiscal.fiscal_year_label(hearing.fiscal_year), path)


def _deadline_scopes(user, appointments) -> dict[str, tuple[str, object]]:
    """{uid part: (whose plans, the hub or None)} for each scope the user answers for."""
    access = hub_access(user)
    scopes = {}
    for appointment in appointments:
        if appointment.role == Role.HQ:
            scopes["national"] = (_("all hubs"), None)
        elif appointment.role == Role.BUREAU and access.anywhere(REVIEW_PLAN):
            scopes[f"bureau-{appointment.bureau.code}"] = (
                _("the hubs of %(bureau)s") % {"bureau": appointment.bureau.name}, None)
        elif appointment.hub_id and access.can(EDIT_PLAN, appointment.hub_id):
            scopes[f"hub-{appointment.hub.jis_code}"] = (appointment.hub.name, appointment.hub)
    return scopes


def _deadlines(user, appointments, since):
    scopes = _deadline_scopes(user, appointments)
    if not scopes:
        return
    policies = list(ActivityPolicy.objects.filter(published_at__isnull=False,
                                                  plan_deadline__gte=since))
    hub_ids = [hub.pk for _whose, hub in scopes.values() if hub is not None]
    states = {(p.hub_id, p.fiscal_year): p.get_status_display() for p in (
        AnnualPlan.objects.for_user(user, VIEW_PLAN)
        .filter(hub_id__in=hub_ids, fiscal_year__in=[p.fiscal_year for p in policies]))
    } if hub_ids and policies else {}
    for policy in policies:
        year = fiscal.fiscal_year_label(policy.fiscal_year)
        for key, (whose, hub) in scopes.items():
            description = year
            if hub is not None:
                state = states.get((hub.pk, policy.fiscal_year), _("not started"))
                description = _("%(year)s. The plan: %(state)s.") % {"year": year,
                                                                      "state": state}
            yield Entry(f"plan-deadline-{policy.fiscal_year}-{key}", policy.plan_deadline,
                        _("Annual plan deadline (%(whose)s)") % {"whose": whose}, description,
                        reverse("plans:policy_detail", args=[policy.fiscal_year]))


def _follow_ups(user, appointments, since):
    writers = [a for a in appointments if a.role in (Role.CHIEF, Role.COORDINATOR)]
    if not writers:
        return
    chief_hubs = [a.hub_id for a in writers if a.role == Role.CHIEF]
    referrals = (Referral.objects.for_user(user, VIEW_RECORDS)
                 .filter(Q(hub_id__in=chief_hubs) | Q(case__lead=user),
                         status__in=Referral.OPEN_STATUSES, follow_up_due__gte=since)
                 .select_related("agency").order_by("follow_up_due", "pk")[:MAX_REFERRALS])
    for referral in referrals:
        yield Entry(f"referral-{referral.pk}", referral.follow_up_due,
                    _("Referral follow-up due: %(agency)s") % {"agency": referral.agency.name},
                    _("Case no. %(case)s") % {"case": referral.case_id},
                    reverse("consultations:case_detail", args=[referral.case_id]))


def feed_ical(*, user, entries: list[Entry]) -> bytes:
    site = settings.SITE_URL.rstrip("/")
    domain = urlparse(site).hostname or "yorozu"
    calendar = Calendar()
    calendar.add("prodid", "-//Yorozu//Calendar feed//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Yorozu: dates for %(name)s") % {
        "name": user.get_full_name() or user.email})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        event.add("url", site + entry.path)
        event.add("transp", "TRANSPARENT")  # a date to keep in mind, not a busy slot
        calendar.add_component(event)
    return calendar.to_ical()
