"""The case list's count (selectors.case_count) is taken from the side each filter narrows:
the hub's kept case tally, the topic links (which carry the case's hub), a period's or a
channel's sessions. Whatever the filters, it equals the number of cases the list holds, and
the links' hub is always their case's."""

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


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_the_count_equals_the_cases_listed(cast, cases, filters):
    filters = {key: cases.get(value, value) if isinstance(value, str) else value
               for key, value in filters.items()}
    hub = authorise(cast.coordinator, VIEW_RECORDS, cast.hub)
    listed = selectors.case_list(user=cast.coordinator, hub=hub, filters=filters)
    assert selectors.case_count(user=cast.coordinator, hub=hub, filters=filters) == len(
        list(listed))


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
