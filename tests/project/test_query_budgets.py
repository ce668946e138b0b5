"""Pages run a fixed number of queries whatever the data size: each budget is checked with
little data and again after adding much more."""

from datetime import timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from evaluation.plans.models import ActivityPolicy, AnnualPlan, PlanVersion
from hubs.models import Appointment, Hub
from hubs.roles import Role
from tests.api.helpers import published_hearing
from tests.consultations.factories import CaseFactory, ReferralFactory, SessionFactory
from tests.hubs.factories import AgencyFactory, AppointmentFactory, UserFactory
from yorozu.api import tokens
from yorozu.api.models import UserToken
from yorozu.core import fiscal
from yorozu.notifications.services import notify

# The pages are counted in the module's fixture; the mark makes the test database exist.
pytestmark = pytest.mark.django_db

PAGES = [
    # session, user and the three access queries come first on every page; every full page
    # (not an htmx part) also counts the top bar's unread notifications (one query: +1 on
    # every budget here when the count came, w17-home).
    # Home: the user's appointments, then one query per kind of to-do item (yorozu/home.py).
    # Follow-ups (overdue list, counts), the self-check due, the own hub of the navigation:
    ("coordinator", "home", {}, 11),
    ("chief", "home", {}, 14),  # + the plan, self-checks to review, proposals waiting
    ("impl_org", "home", {}, 12),  # the plan, the year's agency survey, proposals, self-check
    ("bureau", "home", {}, 13),  # the review queue (3), plans past deadline, proposals, hubs
    ("hq", "home", {}, 12),  # the guideline, hearings (2), plans past deadline, hubs
    ("coordinator", "notifications:notification_list", {}, 9),
    ("hq", "notifications:notification_list", {}, 8),
    ("hq", "hubs:hub_list", {}, 7),
    ("chief", "hubs:hub_detail", {"jis_code": "13"}, 11),
    ("bureau", "hubs:hub_detail", {"jis_code": "13"}, 11),
    ("chief", "hubs:agency_list", {"jis_code": "13"}, 10),  # + the count of its paged table
    # + the counts of its two paged tables (the queue, the decisions: w17-tables-hub).
    ("bureau", "hubs:appointment_list", {}, 10),
    ("chief", "hubs:appointment_list", {}, 11),  # recent decisions with their invitations
    # Consultations: lists, the case page and the quick log.
    # The long lists fetch a page's keys, then its rows (PagedByKey): one query more each.
    ("coordinator", "consultations:case_list", {"jis_code": "13"}, 14),
    ("hq", "consultations:case_list", {"jis_code": "13"}, 14),  # the logged read, no own hub
    ("coordinator", "consultations:my_cases", {}, 11),
    # + the next steps' count (paged), the referrals' agencies (read apart: docs/performance.md)
    ("chief", "consultations:followups", {"jis_code": "13"}, 15),
    ("coordinator", "consultations:case_detail", {"case": True}, 15),
    # + the count of its paged case table (w17-tables-hub), the client's financial figures
    # and milestones (evaluation/outcomes/section.py: two queries).
    ("coordinator", "consultations:client_detail", {"client": True}, 13),
    ("coordinator", "consultations:quick_log", {"jis_code": "13"}, 11),
    ("coordinator", "consultations:client_search", {"jis_code": "13", "q": "試験"}, 9),
    # Self-checks (their growth with more self-checks is checked in test_self_checks.py).
    ("coordinator", "evaluation:selfcheck_mine", {}, 10),
    # +1 for the year picker: the years with a published guideline.
    ("impl_org", "evaluation:selfcheck_summary", {"jis_code": "13"}, 13),
    ("hq", "evaluation:selfcheck_summary", {"jis_code": "13"}, 12),
    ("chief", "evaluation:selfcheck_review_list", {"jis_code": "13"}, 10),
    # Hearings: the years with a guideline, the hearings of the year, the hubs.
    ("hq", "evaluation:hearing_list", {}, 9),
    ("bureau", "plans:plan_review_queue", {}, 9),  # the queue's three queries
    # Annual plans and their dashboards (growing sessions, clients and referrals above).
    # The plan page also shows satisfaction actuals and the agency survey (this or last year).
    ("chief", "plans:plan_detail", {"jis_code": "13", "plan": True}, 21),
    ("bureau", "plans:plan_detail", {"jis_code": "13", "plan": True}, 19),
    ("bureau", "plans:plan_diff", {"jis_code": "13", "plan": True}, 9),
    ("coordinator", "consultations:session_import", {"jis_code": "13"}, 10),
    # The dashboards: +1 for the draft's target rows while a plan has no accepted version
    # (the module's plan is submitted, not yet accepted).
    ("chief", "plans:plan_dashboard_hub", {"jis_code": "13"}, 15),
    ("bureau", "plans:plan_dashboard_bureau", {}, 14),
    ("hq", "plans:plan_dashboard_national", {}, 14),
    # Downloads (the list's address with ?format=): the rows are read in chunks, so a file
    # runs a fixed number of queries too; + the logged read of personal data.
    ("coordinator", "consultations:case_list", {"jis_code": "13", "format": "xlsx"}, 9),
    ("coordinator", "consultations:case_list", {"jis_code": "13", "format": "csv-cp932"}, 9),
    ("chief", "consultations:followups", {"jis_code": "13", "format": "csv-utf8"}, 8),
    ("chief", "hubs:agency_list", {"jis_code": "13", "format": "xlsx"}, 7),
    ("bureau", "hubs:appointment_list", {"format": "xlsx"}, 6),
    ("chief", "plans:plan_dashboard_hub", {"jis_code": "13", "format": "csv-cp932"}, 13),
    ("hq", "evaluation:hearing_list", {"format": "xlsx"}, 8),
    ("bureau", "plans:plan_review_queue", {"format": "csv-utf8"}, 8),
    # Client outcomes (tests/outcomes/test_outcome_queries.py grows their own records): the
    # figure, per coordinator and their names, milestones by kind, the clients' table.
    ("chief", "outcomes:outcomes_hub", {"jis_code": "13"}, 12),
    ("hq", "outcomes:outcomes_hub", {"jis_code": "13"}, 12),  # the logged read, no own hub
    ("chief", "outcomes:outcomes_hub", {"jis_code": "13", "format": "xlsx"}, 8),
    ("bureau", "outcomes:outcomes_bureau", {}, 6),  # the hubs, the figure per hub
    ("hq", "outcomes:outcomes_national", {}, 6),
    ("coordinator", "outcomes:snapshot_import", {"jis_code": "13"}, 6),
    # The multi-faceted evaluation: every axis of every hub in a fixed number of queries
    # (evaluation/assessments/axes.py: the plans, the hearings' levels, satisfaction, the
    # agency surveys, referrals, cases, value added), the weights, the hubs, the evaluations.
    ("hq", "assessments:national", {}, 15),
    ("hq", "assessments:national", {"format": "xlsx"}, 13),
    # The hub's published evaluation (its axes frozen on the row), its requests and actions.
    ("hq", "assessments:hub", {"jis_code": "13"}, 9),
    ("chief", "assessments:hub", {"jis_code": "13"}, 10),  # + its own hub for the menu
    ("bureau", "assessments:request_list", {}, 6),  # the page and its count
    ("hq", "assessments:practice_list", {}, 6),  # the practices, the year's candidates
]

# The REST API (with the role's token) and the calendar feed (its address): the token, the
# day's access check and the three access queries come first (tests/api/).
API_PAGES = [
    ("hq", "api:hub-list", {}, 6),  # + the count and the page
    ("bureau", "api:figures-list", {}, 11),  # + the five tallies of figures.py
    ("hq", "api:figures-list", {}, 11),
    ("hq", "api:plan-list", {}, 8),  # + the targets, and the drafts' target rows
    ("hq", "api:result-list", {}, 7),  # + the levels
    ("chief", "api:calendar_feed", {}, 9),  # appointments, hearings, deadlines, referrals
    ("coordinator", "api:calendar_feed", {}, 7),
    ("hq", "api:calendar_feed", {}, 7),
]
PAGES += API_PAGES


_events = count()


def _grow(cast, n, case=None):
    for _ in range(n):  # unread and read notifications for everyone: the top bar, the list
        event = next(_events)
        notify(recipients=cast.by_role().values(), kind="test", url="/", key=f"grow:{event}",
               message="%(n)s of your referrals are past their follow-up date.",
               params={"n": event})
    read = cast.coordinator.notifications.order_by("pk").values_list("pk", flat=True)[:n]
    cast.coordinator.notifications.filter(pk__in=list(read)).update(read_at=timezone.now())
    for hub in Hub.objects.filter(jis_code__in=["13", "14", "04"]):
        lead = cast.coordinator if hub == cast.hub else cast.outsider
        for _ in range(n):
            agency = AgencyFactory(hub=hub)
            AppointmentFactory(user=UserFactory(), role=Role.COORDINATOR, hub=hub)
            AppointmentFactory(user=UserFactory(), role=Role.COORDINATOR, hub=hub,
                               status=Appointment.Status.PROPOSED, proposed_by=cast.chief)
            grown = SessionFactory(hub=hub, case__lead=lead, next_step="見積書",
                                   next_step_due=fiscal.today()).case
            SessionFactory(hub=hub, case=grown)
            ReferralFactory(hub=hub, case=grown, agency=agency,
                            follow_up_due=fiscal.today() - timedelta(days=1))
            if case is not None and hub == cast.hub:  # the page's own case grows too
                SessionFactory(hub=hub, case=case, coordinators=[cast.coordinator, cast.chief])
                ReferralFactory(hub=hub, case=case, agency=agency)
                case.outcome += "追記"
                case.save()


def _tokens(cast) -> tuple[dict, dict]:
    """Each role's API token and calendar address, already used today (the day's first use
    notes the date: one write that later requests do not repeat)."""
    made = {purpose: {role: tokens.token_issue(user=user, purpose=purpose)
                      for role, user in cast.by_role().items()}
            for purpose in ("api", "calendar")}
    UserToken.objects.update(last_used_on=fiscal.today())
    return made["api"], made["calendar"]


def _grow_api(cast, hubs):
    """Plans and published hearings (results, and hearings in the feeds) at `hubs`."""
    for hub in hubs:
        if hub != cast.hub:  # the module's plan is Tokyo's
            AnnualPlan.objects.create(hub=hub, fiscal_year=fiscal.current_fiscal_year())
        published_hearing(hub, cast.hq)


def _evaluation(cast):
    """Tokyo's published evaluation of the year with a request (the pages then show them)."""
    from evaluation.assessments.models import Assessment, AxisWeights, ImprovementRequest

    year = fiscal.current_fiscal_year()
    AxisWeights.objects.create(fiscal_year=year, guideline=50, follow_up=50)
    assessment = Assessment.objects.create(hub=cast.hub, fiscal_year=year,
                                           created_by=cast.hq, status="published",
                                           axes={}, weights={"guideline": 50, "follow_up": 50})
    ImprovementRequest.objects.create(assessment=assessment, hub=cast.hub, title="督促",
                                      reason="低い", due_on=fiscal.today(), created_by=cast.hq)


def _count(client, url, headers=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **(headers or {}))
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(queries)


def _key(role, name, kwargs) -> tuple:
    return role, name, kwargs.get("format", "")


def _url(cast, name, kwargs, plan, case) -> str:
    kwargs = dict(kwargs)
    query = {"q": kwargs.pop("q")} if "q" in kwargs else {}
    if "format" in kwargs:
        query["format"] = kwargs.pop("format")
    if kwargs.pop("plan", None):
        kwargs["fiscal_year"] = plan.fiscal_year
    if kwargs.pop("case", None) or kwargs.pop("client", None):
        kwargs = {"pk": case.pk if name.endswith("case_detail") else case.client_id}
    return reverse(name, kwargs=kwargs) + ("?" + urlencode(query) if query else "")


def _measure(client, cast, urls: dict, api_tokens: dict) -> dict:
    """Queries per page, or the error that page raised (reported by its own test)."""
    counts = {}
    for key, url in urls.items():
        role, name = key[0], key[1]
        headers = {}
        if name.startswith("api:"):  # by token (or the feed's address), no login
            client.logout()
            headers = {"HTTP_AUTHORIZATION": f"Bearer {api_tokens[role]}"}
        else:
            client.force_login(cast.by_role()[role])
        try:
            counts[key] = _count(client, url, headers)
        except AssertionError as error:
            counts[key] = error
    return counts


@pytest.fixture(scope="module")
def counts(module_cast, django_db_blocker):
    """Every page counted with little data, then again after much more is added. The data is
    grown once for all the pages (in the module's transaction, rolled back at its end): growing
    it for each page alone took most of this module's time."""
    from django.test import Client

    cast, client = module_cast, Client()
    with django_db_blocker.unblock():
        plan = AnnualPlan.objects.create(hub=cast.hub, fiscal_year=fiscal.current_fiscal_year())
        PlanVersion.objects.create(plan=plan, number=1, content={}, submitted_by=cast.chief)
        case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
        _evaluation(cast)
        api_tokens, feeds = _tokens(cast)
        urls = {_key(role, name, kwargs): (reverse(name, args=[feeds[role]])
                                           if name.endswith("_feed")
                                           else _url(cast, name, kwargs, plan, case))
                for role, name, kwargs, _budget in PAGES}
        ActivityPolicy.objects.create(fiscal_year=fiscal.current_fiscal_year(),
                                      priority_themes="重点", indicators=[],
                                      plan_deadline=fiscal.today(), published_at=timezone.now())
        hubs = list(Hub.objects.order_by("jis_code"))
        _grow(cast, 2, case)
        _grow_api(cast, [cast.hub])
        # Django asks SQLite once per connection whether it has JSON (three statements, on the
        # first JSON field read): asked here, the first page counted does not carry it.
        connection.features.supports_json_field  # noqa: B018
        small = _measure(client, cast, urls, api_tokens)
        _grow(cast, 15, case)
        _grow_api(cast, [hub for hub in hubs[:12] if hub != cast.hub])
        large = _measure(client, cast, urls, api_tokens)
    return small, large, urls


@pytest.mark.parametrize(("role", "name", "kwargs", "budget"), PAGES,
                         ids=["-".join(filter(None, (p[1], p[0], p[2].get("format"))))
                              for p in PAGES])
def test_page_stays_within_its_query_budget_as_data_grows(counts, role, name, kwargs, budget):
    small, large, url = (c[_key(role, name, kwargs)] for c in counts)
    for measured in (small, large):
        if isinstance(measured, AssertionError):
            raise measured
    assert small == large, f"{url}: {small} queries with little data, {large} with more"
    assert large <= budget, f"{url}: {large} queries, budget {budget}"
