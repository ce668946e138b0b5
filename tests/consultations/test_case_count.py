"""The case list's count (selectors.case_count) is taken from the side each filter narrows:
the hub's kept case tally, the topic links (which carry the case's hub), the cases' kept
first and last session days for a period, a channel's sessions. Whatever the filters, it
equals the number of cases the list holds, and the links' hub is always their case's."""

from datetime import date

import pytest
from django.urls import reverse

from consultations import selectors, services
from consultations.models import Case, CaseTopic, Session, Topic
from hubs.access import authorise
from hubs.roles import VIEW_RECORDS
from tests.consultations.factories import CaseFactory, SessionFactory
from yorozu.core import fiscal

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(cast):
    """Cases of two hubs with sessions on different days and channels and different topics."""
    sales, funding = Topic.objects.get(code="sales"), Topic.objects.exclude(code="sales").first()
    made = []
    for number, (held_on, channel, topics) in enumerate([
            (date(2025, 4, 10), Session.Channel.VISIT, [sales]),
            (date(2025, 6, 1), Session.Channel.PHONE, [sales, funding]),
            (date(2025, 9, 30), Session.Channel.ONLINE, [funding]),
            (date(2024, 12, 1), Session.Channel.VISIT, [sales])]):
        status = Case.Status.OPEN if number % 2 else Case.Status.RESOLVED
        case = CaseFactory(hub=cast.hub, lead=cast.coordinator if number < 3 else cast.chief,
                           topics=topics, status=status,
                           closed_on=None if status == Case.Status.OPEN else fiscal.today())
        SessionFactory(hub=cast.hub, case=case, held_on=held_on, channel=channel)
        SessionFactory(hub=cast.hub, case=case, held_on=date(2023, 5, 5))
        made.append(case)
    CaseFactory(hub=cast.hub, lead=cast.coordinator)  # a case with no session yet
    # Another hub's case: never counted.
    other = CaseFactory(hub=cast.other_hub, lead=cast.outsider, topics=[sales])
    SessionFactory(hub=cast.other_hub, case=other, held_on=date(2025, 6, 1),
                   channel=Session.Channel.VISIT)
    return {"sales": sales, "funding": funding}


FILTERS = [
    {},
    {"topic": "sales"},
    {"topic": "funding"},
    {"since": date(2025, 4, 1), "until": date(2025, 6, 30)},
    {"since": date(2025, 5, 1)},
    {"until": date(2024, 12, 31)},
    {"channel": Session.Channel.VISIT},
    {"channel": Session.Channel.VISIT, "since": date(2025, 1, 1)},
    {"topic": "sales", "since": date(2025, 5, 1)},
    {"status": Case.Status.OPEN, "topic": "funding"},
    {"mine": True},
]


def test_the_count_equals_the_cases_listed_whatever_the_filters(cast, cases):
    """Every filter of FILTERS over the same cases (one test: a test per filter made the same
    cases eleven times). Each mismatch is reported, not only the first."""
    hub = authorise(cast.coordinator, VIEW_RECORDS, cast.hub)
    wrong = {}
    for filters in FILTERS:
        chosen = {key: cases.get(value, value) if isinstance(value, str) else value
                  for key, value in filters.items()}
        listed = len(list(selectors.case_list(user=cast.coordinator, hub=hub, filters=chosen)))
        counted = selectors.case_count(user=cast.coordinator, hub=hub, filters=chosen)
        if counted != listed:
            wrong[",".join(filters) or "none"] = {"counted": counted, "listed": listed}
    assert not wrong, wrong


@pytest.fixture
def spans(cast):
    """Cases named by how their sessions lie around April to June 2025, a case without
    sessions, and another hub's case with a session in every period below."""
    days = {
        "gap": [date(2024, 4, 10), date(2025, 9, 10)],  # before and after, none inside
        "inside": [date(2024, 4, 10), date(2025, 5, 15), date(2025, 9, 10)],
        "on the bounds": [date(2025, 4, 1), date(2025, 6, 30)],
        "ending": [date(2025, 1, 5), date(2025, 4, 1)],
        "starting": [date(2025, 6, 30), date(2025, 8, 1)],
        "before": [date(2024, 6, 1), date(2025, 3, 31)],
        "after": [date(2025, 7, 1), date(2025, 12, 1)],
        "no session": [],
    }
    named = {}
    for name, held in days.items():
        case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
        for day in held:
            SessionFactory(hub=cast.hub, case=case, held_on=day)
        named[case.pk] = name
    other = CaseFactory(hub=cast.other_hub, lead=cast.outsider)
    for day in (date(2024, 4, 1), date(2025, 4, 1), date(2025, 5, 15), date(2025, 6, 30)):
        SessionFactory(hub=cast.other_hub, case=other, held_on=day)
    return named


PERIODS = [
    ((date(2025, 4, 1), date(2025, 6, 30)), {"inside", "on the bounds", "ending", "starting"}),
    # May: "gap" and "on the bounds" span it without a session in it, "inside" with one.
    ((date(2025, 5, 1), date(2025, 5, 31)), {"inside"}),
    ((date(2025, 6, 30), date(2025, 6, 30)), {"on the bounds", "starting"}),
    ((date(2025, 7, 1), None), {"gap", "inside", "starting", "after"}),
    ((None, date(2024, 12, 31)), {"gap", "inside", "before"}),
    ((None, date(2025, 4, 1)), {"gap", "inside", "on the bounds", "ending", "before"}),
    # A past fiscal year; then a past period that "gap" and "inside" span without a session
    # in it; then a year before every session.
    ((date(2024, 4, 1), date(2025, 3, 31)), {"gap", "inside", "ending", "before"}),
    ((date(2024, 5, 1), date(2025, 3, 30)), {"ending", "before"}),
    ((date(2023, 1, 1), date(2023, 12, 31)), set()),
]


def test_a_periods_count_is_its_cases_with_a_session_in_it(cast, spans,
                                                          django_assert_num_queries):
    """Every period of PERIODS over the same cases (one test: a test per period made them nine
    times). Each wrong list or count is reported, not only the first."""
    hub = authorise(cast.coordinator, VIEW_RECORDS, cast.hub)
    wrong = {}
    for (since, until), expected in PERIODS:
        filters = {key: day for key, day in (("since", since), ("until", until)) if day}
        listed = selectors.case_list(user=cast.coordinator, hub=hub, filters=filters)
        found = {spans[case.pk] for case in listed}
        with django_assert_num_queries(1, info=f"{since}..{until}"):  # one, whichever bounds
            counted = selectors.case_count(user=cast.coordinator, hub=hub, filters=filters)
        if found != expected or counted != len(expected):
            wrong[f"{since or ''}..{until or ''}"] = {"listed": found, "counted": counted,
                                                      "expected": expected}
    assert not wrong, wrong


def test_the_list_page_shows_the_count_of_its_filter(client, cast, cases):
    client.force_login(cast.coordinator)
    url = reverse("consultations:case_list", args=[cast.hub.jis_code])
    response = client.get(url, {"topic": cases["funding"].pk})
    assert response.context["page"].paginator.count == 2
    response = client.get(url, {"since": "2025-05-01", "until": "2025-06-30"})
    assert response.context["page"].paginator.count == 1


def test_every_topic_link_carries_its_cases_hub(cast, cases):
    case = Case.objects.filter(hub=cast.hub).first()
    services.case_update(case=case, by=cast.coordinator, data={}, version=case.version,
                         topics=[cases["funding"]])
    links = CaseTopic.objects.select_related("case")
    assert links.exists()
    assert all(link.hub_id == link.case.hub_id for link in links)
