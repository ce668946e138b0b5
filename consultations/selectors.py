"""Reads for consultations. Every read starts from Model.objects.for_user(), the one door to
hub-owned rows; each returns a queryset whose query count does not grow with the data."""

from datetime import date, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from hubs.roles import VIEW_RECORDS
from yorozu import fiscal

from .models import Case, Client, Referral, Session, Topic


def _session_count():
    counted = (Session.objects.filter(case=OuterRef("pk")).order_by()
               .values("case").annotate(n=Count("pk")).values("n"))
    # A correlated subquery: evaluated for the rows of the page only, not for the hub's whole
    # history as a GROUP BY join would be.
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _last_session_on():
    return Subquery(Session.objects.filter(case=OuterRef("pk")).order_by("-held_on")
                    .values("held_on")[:1])


def case_list(*, user, hub=None, filters: dict | None = None):
    """The hub's cases, newest first, with topics, lead and session figures per row."""
    filters = filters or {}
    cases = Case.objects.for_user(user, VIEW_RECORDS)
    if hub is not None:
        cases = cases.filter(hub=hub)
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("lead"):
        cases = cases.filter(lead=filters["lead"])
    if filters.get("topic"):
        cases = cases.filter(Exists(Case.topics.through.objects.filter(
            case=OuterRef("pk"), topic=filters["topic"])))
    if filters.get("q"):
        q = filters["q"]
        cases = cases.filter(Q(client__name__icontains=q) | Q(client__name_kana__icontains=q)
                             | Q(client__corporate_number=q))
    session_filter = _session_filter(filters)
    if session_filter:
        cases = cases.filter(Exists(Session.objects.filter(case=OuterRef("pk"),
                                                           **session_filter)))
    return (cases.select_related("client", "lead", "hub")
            .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("sort_order")))
            .annotate(session_count=_session_count(), last_session_on=_last_session_on())
            .order_by("-opened_on", "-pk"))


def _session_filter(filters: dict) -> dict:
    found = {}
    if filters.get("channel"):
        found["channel"] = filters["channel"]
    if filters.get("since"):
        found["held_on__gte"] = filters["since"]
    if filters.get("until"):
        found["held_on__lte"] = filters["until"]
    return found


def my_open_cases(*, user):
    return case_list(user=user, filters={"lead": user, "status": Case.Status.OPEN})


def case_detail(*, user, pk: int) -> Case:
    """Raises Case.DoesNotExist for another hub's case exactly as for a missing one."""
    return (Case.objects.for_user(user, VIEW_RECORDS)
            .select_related("client__industry", "lead", "hub")
            .prefetch_related("topics").get(pk=pk))


def case_timeline(*, case: Case) -> list[tuple]:
    """Sessions, referrals and changes of one case, newest first: (when, kind, object)."""
    sessions = (case.sessions.prefetch_related("coordinators").select_related("created_by")
                .order_by("-held_on", "-start_time"))
    referrals = case.referrals.select_related("agency", "created_by").order_by("-created_at")
    changes = _with_changed_fields(list(case.history.select_related("history_user")
                                        .order_by("-history_date")[:50]))
    items = [(s.held_on, "session", s) for s in sessions]
    items += [(fiscal.tokyo_date(r.created_at), "referral", r) for r in referrals]
    items += [(fiscal.tokyo_date(h.history_date), "change", h) for h in changes]
    return sorted(items, key=lambda item: (item[0], item[1] == "session"), reverse=True)


def _with_changed_fields(records: list) -> list:
    """Names the fields each history record changed, against the record before it. Topics
    are left out of the comparison: their history lives in another table (a query each)."""
    for newer, older in zip(records, records[1:] + [None], strict=True):
        newer.changed = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, excluded_fields=["topics"])
            newer.changed = [str(Case._meta.get_field(c.field).verbose_name)
                             for c in delta.changes]
    return records


def client_search(*, user, hub, q: str, limit: int = 10):
    """Search as you type: name or kana contains, or the corporate number starts with."""
    q = q.strip()
    if not q:
        return Client.objects.none()
    match = Q(name__icontains=q) | Q(name_kana__icontains=q)
    if q.isdigit():
        match |= Q(corporate_number__startswith=q) | Q(phone__contains=q)
    return (Client.objects.for_user(user, VIEW_RECORDS).filter(hub=hub).filter(match)
            .prefetch_related(Prefetch("cases", queryset=Case.objects.filter(
                status=Case.Status.OPEN).prefetch_related("topics").order_by("-opened_on"),
                to_attr="open_cases"))
            .order_by("name_kana", "name")[:limit])


def client_duplicates(*, hub, corporate_number: str, name: str, phone: str,
                      exclude_pk: int | None = None):
    """Clients of the same hub that look like the same business: the same corporate number,
    or the same name and phone."""
    match = Q()
    if corporate_number:
        match |= Q(corporate_number=corporate_number)
    if name and phone:
        match |= Q(name=name, phone=phone)
    if not match:
        return Client.objects.none()
    return Client.objects.filter(hub=hub).filter(match).exclude(pk=exclude_pk)[:5]


def referrals_overdue(*, user, hub=None, lead=None, today: date | None = None):
    """Open referrals whose follow-up date has passed."""
    today = today or fiscal.today()
    referrals = Referral.objects.for_user(user, VIEW_RECORDS).filter(
        status__in=Referral.OPEN_STATUSES, follow_up_due__lt=today)
    if hub is not None:
        referrals = referrals.filter(hub=hub)
    if lead is not None:
        referrals = referrals.filter(case__lead=lead)
    return referrals.select_related("agency", "case__client", "case__lead").order_by(
        "follow_up_due", "pk")


def followups(*, user, hub, today: date | None = None):
    """What needs chasing at a hub: open referrals by due date, and next steps falling due."""
    today = today or fiscal.today()
    referrals = (Referral.objects.for_user(user, VIEW_RECORDS)
                 .filter(hub=hub, status__in=Referral.OPEN_STATUSES)
                 .select_related("agency", "case__client", "case__lead")
                 .order_by("follow_up_due", "pk"))
    # A next step is superseded once a later session of the same case has been held.
    later = Session.objects.filter(case=OuterRef("case"), held_on__gt=OuterRef("held_on"))
    steps = (Session.objects.for_user(user, VIEW_RECORDS)
             .filter(hub=hub, next_step_due__isnull=False, case__status=Case.Status.OPEN,
                     next_step_due__lte=today + timedelta(days=14))
             .exclude(Exists(later))
             .select_related("case__client", "case__lead").order_by("next_step_due", "pk"))
    return referrals, steps


def hub_figures(*, hub, fiscal_year: int) -> dict:
    """Counts only (what a bureau may see): sessions, new clients and referral follow-up for
    the fiscal year, aggregated in the database."""
    start, end = fiscal.fiscal_year_start(fiscal_year), fiscal.fiscal_year_end(fiscal_year)
    sessions = Session.objects.filter(hub=hub, held_on__range=(start, end)).aggregate(
        total=Count("pk"),
        expert=Count("pk", filter=Q(case__depth=Case.Depth.EXPERT)))
    referrals = Referral.objects.filter(hub=hub, created_at__date__range=(start, end)).aggregate(
        total=Count("pk"),
        followed=Count("pk", filter=Q(status__in=[Referral.Status.REPORTED,
                                                  Referral.Status.CLOSED])))
    new_clients = Client.objects.filter(hub=hub, created_at__date__range=(start, end)).count()
    return {"sessions": sessions["total"], "expert_sessions": sessions["expert"],
            "new_clients": new_clients, "referrals": referrals["total"],
            "referrals_followed": referrals["followed"]}
