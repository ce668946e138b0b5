"""Pages run a fixed number of queries whatever the data size: each budget is checked with
little data and again after adding much more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubs.models import Appointment, Hub
from hubs.roles import Role

from .factories import AgencyFactory, AppointmentFactory, UserFactory

PAGES = [
    # session, user and the three access queries come first on every page
    ("coordinator", "home", {}, 7),
    ("chief", "home", {}, 8),
    ("bureau", "home", {}, 8),
    ("hq", "home", {}, 7),
    ("hq", "hubs:hub_list", {}, 6),
    ("chief", "hubs:hub_detail", {"jis_code": "13"}, 8),
    ("chief", "hubs:agency_list", {"jis_code": "13"}, 8),
    ("bureau", "hubs:appointment_list", {}, 7),
]


def _grow(cast, n):
    for hub in Hub.objects.filter(jis_code__in=["13", "14", "04"]):
        for _ in range(n):
            AgencyFactory(hub=hub)
            AppointmentFactory(user=UserFactory(), role=Role.COORDINATOR, hub=hub)
            AppointmentFactory(user=UserFactory(), role=Role.COORDINATOR, hub=hub,
                               status=Appointment.Status.PROPOSED, proposed_by=cast.chief)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("role", "name", "kwargs", "budget"), PAGES,
                         ids=[f"{p[1]}-{p[0]}" for p in PAGES])
def test_page_stays_within_its_query_budget_as_data_grows(client, cast, role, name, kwargs,
                                                          budget):
    client.force_login(cast.by_role()[role])
    url = reverse(name, kwargs=kwargs)
    _grow(cast, 2)
    small = _count(client, url)
    _grow(cast, 15)
    large = _count(client, url)
    assert small == large, f"{url}: {small} queries with little data, {large} with more"
    assert large <= budget, f"{url}: {large} queries, budget {budget}"
