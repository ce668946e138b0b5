"""Reads for consultations. Every read starts from Model.objects.for_user(), the one door to
hub-owned rows; each returns a queryset whose query count does not grow with the data."""

import re
import unicodedata
from datetime import date, timedelta

from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)

from hubs.access import AuthorisedHub
from hubs.roles import VIEW_RECORDS
from yorozu.core import fiscal

from .models import Case, CaseTopic, Client, Referral, Session, Topic
from .tallies import hub_case_total
from .validators import client_name_key, normalize_digits


def case_list(*, user, hub: AuthorisedHub | None = None, filters: dict | None = None):
    """The hub's cases (without a hub: every case the user may see), newest first, with
    topics and lead (each case's session count and last session are its own columns,
    consultations/summaries.py)."""
    filters = filters or {}
    cases = Case.objects.for_user(user, VIEW_RECORDS)
    if hub is not None:
        cases = cases.filter(hub=hub.hub)
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("lead"):
        cases = cases.filter(lead=filters["lead"])
    if filters.get("mine"):
        cases = cases.filter(lead=user)
    if filters.get("topic"):
        cases = _having(cases, "with_topic", CaseTopic.objects.filter(
            case=OuterRef("pk"), topic=filters["topic"]).values("topic"))
    if filters.get("q"):
        q = filters["q"]
        cases = cases.filter(Q(client__name__icontains=q) | Q(client__name_kana__icontains=q)
                             | Q(client__corporate_number=q))
    session_filter = _session_filter(filters)
    if session_filter:
        cases = _having(cases, "with_session", Session.objects.filter(
            case=OuterRef("pk"), **session_filter).values("held_on"))
    return (cases.select_related("client", "lead", "hub")
            .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("sort_order")))
            .order_by("-opened_on", "-pk"))


def _having(cases, name: str, related):
    """The cases with a row in `related` (one non-null column, correlated to the case). A probe
    of each case's own rows, as a scalar subquery rather than EXISTS: PostgreSQL then walks the
    list's index and stops at the page's end, where EXISTS let it join every matching row of
    the hub first (its choice, on a misjudged number of rows: docs/performance.md). Counting
    them is case_count's."""
    return cases.alias(**{name: Subquery(related[:1])}).filter(**{f"{name}__isnull": False})


def case_count(*, user, hub: AuthorisedHub, filters: dict | None = None) -> int:
    """How many cases `case_list` holds for these filters, exactly, counted from the side
    the filter narrows: a hub's every case from its kept tally; a topic's from the links,
    which carry the hub; a period's from the cases' kept first and last session days; a
    channel's from its sessions (each session is of its case's hub). Testing the filter on
    each of a large hub's hundred thousand cases took most of the page's time."""
    filters = {key: value for key, value in (filters or {}).items() if value}
    session_filter = _session_filter(filters)
    if not filters:
        return hub_case_total(hub_id=hub.hub.pk)
    if set(filters) == {"topic"}:
        return (CaseTopic.objects.for_user(user, VIEW_RECORDS)
                .filter(hub=hub.hub, topic=filters["topic"]).count())
    if set(filters) <= {"since", "until"}:
        cases = Case.objects.for_user(user, VIEW_RECORDS).filter(hub=hub.hub)
        return _period_count(cases, since=filters.get("since"), until=filters.get("until"))
    if len(session_filter) == len(filters):
        return (Session.objects.for_user(user, VIEW_RECORDS).filter(hub=hub.hub, **session_filter)
                .aggregate(n=Count("case", distinct=True))["n"])
    return case_list(user=user, hub=hub, filters=filters).count()


def _period_count(cases, *, since: date | None, until: date | None) -> int:
    """How many of `cases` had a session in the period, from their kept first and last
    session days: a case had one when its last day is in the period, or its first, or (a
    case spanning the whole period) a session of its own falls in between. Counting the
    distinct cases of the period's sessions read every session (88,000 for Tokyo's year);
    this reads each case once, from an index (docs/performance.md)."""
    if until is None:
        return cases.filter(last_session_on__gte=since).count()
    if since is None:
        return cases.filter(first_session_on__lte=until).count()
    # The two bounds written as ranges, so that the planner reads the shorter range of
    # either index (last day, first day), and nothing else.
    ending_or_starting = (cases.filter(last_session_on__gte=since, first_session_on__lte=until)
                          .filter(Q(last_session_on__lte=until) | Q(first_session_on__gte=since)))
    # EXISTS, not the list's probe: a count reads every match, and PostgreSQL then chooses
    # between probing each spanning case (none when the period runs to today) and hashing
    # the period's sessions once (thousands spanning a short period of the past).
    spanning = cases.filter(first_session_on__lt=since, last_session_on__gt=until).filter(
        Exists(Session.objects.filter(case=OuterRef("pk"), held_on__gte=since,
                                      held_on__lte=until)))
    # One statement, unordered and selecting only the hub: each part is read from the
    # indexes alone.
    return (ending_or_starting.order_by().values("hub")
            .union(spanning.order_by().values("hub"), all=True).count())


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
    from .referrals import link_deliveries

    referrals = list(case.referrals.select_related("agency", "created_by")
                     .order_by("-created_at"))
    link_deliveries(referrals)
    changes = _with_changed_fields(list(case.history.select_related("history_user")
                                        .order_by("-history_date")[:50]))
    items = [(s.held_on, "session", s) for s in sessions]
    items += [(fiscal.tokyo_date(r.created_at), "referral", r) for r in referrals]
    items += [(fiscal.tokyo_date(h.history_date), "change", h) for h in changes]
    return sorted(items, key=lambda item: (item[0], item[1] == "session"), reverse=True)


def _with_changed_fields(records: list) -> list:
    """Names the fields each history record changed, against the record before it. Topics
    are left out of the comparison: their history lives in another table (a query each)."""
    # A case loaded without history (a bulk load) has no records: nothing to compare.
    for newer, older in zip(records, [*records[1:], None][:len(records)], strict=True):
        newer.changed = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, excluded_fields=["topics"])
            newer.changed = [str(Case._meta.get_field(c.field).verbose_name)
                             for c in delta.changes]
    return records


def _open_cases():
    return Prefetch("cases", queryset=Case.objects.filter(status=Case.Status.OPEN)
                    .prefetch_related("topics").order_by("-opened_on"), to_attr="open_cases")


def _client_match(q: str) -> Q | None:
    """What the search box matches: the name or kana containing the text (the kana also in
    either width, spaces set aside), the name also with width, spaces and the legal form set
    aside, or a corporate number starting with (or a phone number containing) the digits,
    typed in full or half width."""
    q = q.strip()
    if not q:
        return None
    match = Q(name__icontains=q) | Q(name_kana__icontains=q)
    # Kana typed in half width or with spaces (ﾔﾏﾀﾞ ｾｲｻｸｼｮ) finds ヤマダセイサクショ.
    if (kana := re.sub(r"\s+", "", unicodedata.normalize("NFKC", q))) != q:
        match |= Q(name_kana__icontains=kana)
    if key := client_name_key(q):
        match |= Q(name_key__contains=key)
    digits = normalize_digits(q)
    if digits.replace("-", "").isdigit():
        match |= (Q(corporate_number__startswith=digits.replace("-", ""))
                  | Q(phone__contains=digits))
    return match


def client_search(*, user, hub: AuthorisedHub, q: str, chosen: Q | None = None, limit: int = 10):
    """Search as you type. `chosen` selects the client already chosen in the quick log: it is
    listed first whatever the text, so that typing more never drops the choice."""
    match, order = _client_match(q), ["name_kana", "name"]
    if chosen is not None:
        match = chosen if match is None else match | chosen
        order.insert(0, SqlCase(When(chosen, then=Value(0)), default=Value(1)))
    if match is None:
        return Client.objects.none()
    return (Client.objects.for_user(user, VIEW_RECORDS).filter(hub=hub.hub).filter(match)
            .prefetch_related(_open_cases()).order_by(*order)[:limit])


def client_duplicates(*, hub: AuthorisedHub, corporate_number: str, name: str,
                      exclude_pk: int | None = None):
    """Clients of the same hub that look like the same business: the same corporate number,
    or the same name once width, spaces and the legal form are set aside (a name and phone
    match is one of these). With their open cases, to be offered as choices."""
    match = Q()
    if corporate_number:
        match |= Q(corporate_number=corporate_number)
    if key := client_name_key(name):
        match |= Q(name_key=key)
    if not match:
        return Client.objects.none()
    return (Client.objects.for_user(hub.user, VIEW_RECORDS).filter(hub=hub.hub).filter(match)
            .exclude(pk=exclude_pk)
            .prefetch_related(_open_cases()).order_by("name_kana", "name")[:5])


def referrals_overdue(*, user, lead=None, today: date | None = None):
    """Open referrals whose follow-up date has passed, of every hub the user may see."""
    today = today or fiscal.today()
    referrals = Referral.objects.for_user(user, VIEW_RECORDS).filter(
        status__in=Referral.OPEN_STATUSES, follow_up_due__lt=today)
    if lead is not None:
        referrals = referrals.filter(case__lead=lead)
    return referrals.select_related("agency", "case__client", "case__lead").order_by(
        "follow_up_due", "pk")


def followup_counts(*, user, hub_ids, today: date | None = None, soon: int = 7) -> dict:
    """Open referrals past their follow-up date (`overdue`) and falling due within `soon`
    days (`due_soon`): at the hubs of `hub_ids` all of them (a chief coordinator's hub), and
    elsewhere those of the cases the user leads. One query."""
    today = today or fiscal.today()
    referrals = (Referral.objects.for_user(user, VIEW_RECORDS)
                 .filter(status__in=Referral.OPEN_STATUSES)
                 .filter(Q(hub_id__in=list(hub_ids)) | Q(case__lead=user)))
    return referrals.aggregate(
        overdue=Count("pk", filter=Q(follow_up_due__lt=today)),
        due_soon=Count("pk", filter=Q(follow_up_due__gte=today,
                                      follow_up_due__lte=today + timedelta(days=soon))))


def followups(*, user, hub: AuthorisedHub, today: date | None = None, mine: bool = False):
    """What needs chasing at a hub: open referrals by due date, and next steps falling due;
    `mine`: of the cases the user leads only."""
    today = today or fiscal.today()
    referrals = (Referral.objects.for_user(user, VIEW_RECORDS)
                 .filter(hub=hub.hub, status__in=Referral.OPEN_STATUSES)
                 # The agency apart: joined, PostgreSQL misjudged a hub's agencies behind the
                 # hub wall as one row and read the page's referrals through them (7 ms).
                 .select_related("case__client", "case__lead").prefetch_related("agency")
                 .order_by("follow_up_due", "pk"))
    # A next step is superseded once a later session of the same case has been held, or the
    # case closed: kept on the session (step_stands, consultations/summaries.py).
    steps = (Session.objects.for_user(user, VIEW_RECORDS)
             .filter(hub=hub.hub, step_stands=True, next_step_due__lte=today + timedelta(days=14))
             .select_related("case__client", "case__lead").order_by("next_step_due", "pk"))
    if mine:
        referrals, steps = referrals.filter(case__lead=user), steps.filter(case__lead=user)
    return referrals, steps
