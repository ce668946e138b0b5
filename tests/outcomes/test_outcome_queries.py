"""The outcome pages run a fixed number of queries whatever the amount of data: each page (and
its file) counted with a few counted clients, figures and milestones, then again with many
more at three hubs of two bureaus. (tests/project/test_query_budgets.py counts them too, with
the rest of the site's data growing.)"""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubs.models import Hub
from tests.conftest import cast_make

from .factories import MilestoneFactory, figures_of, supported_client

# The pages are counted in the module's fixture; the mark makes the test database exist.
pytestmark = pytest.mark.django_db

# (role, URL name, what the URL takes, query string, budget). Every page begins with the
# session, the user and the access query; a full page adds the top bar's unread count and,
# for a hub's staff, their hub for the menu.
PAGES = [
    # + the figure, per coordinator, their names, milestones by kind, the clients' table
    # (its count and page); HQ has no hub in the menu and writes the logged read instead.
    ("chief", "outcomes:outcomes_hub", "hub", {"year": 2024}, 12),
    ("hq", "outcomes:outcomes_hub", "hub", {"year": 2024}, 12),
    ("chief", "outcomes:outcomes_hub", "hub", {"year": 2024, "format": "xlsx"}, 8),
    ("bureau", "outcomes:outcomes_bureau", None, {"year": 2024}, 6),  # + figure per hub, hubs
    ("bureau", "outcomes:outcomes_bureau", None, {"year": 2024, "format": "xlsx"}, 5),
    ("hq", "outcomes:outcomes_national", None, {"year": 2024}, 6),
    ("hq", "outcomes:outcomes_national", None, {"year": 2024, "format": "csv-cp932"}, 5),
    # The client page, with the client's figures and milestones (two queries).
    ("coordinator", "consultations:client_detail", "client", {}, 13),
    ("coordinator", "outcomes:snapshot_edit", "snapshot", {}, 7),  # + the row, the logged read
    ("coordinator", "outcomes:milestone_edit", "milestone", {}, 9),  # + the cases, sessions
    ("coordinator", "outcomes:milestone_create", "client", {}, 9),
    ("coordinator", "outcomes:snapshot_import", "hub", {}, 6),
]


def _grow(cast, n: int, firm) -> None:
    """`n` counted clients with a milestone at Tokyo, Kanagawa and Miyagi; and `firm` (the
    client whose pages are counted) gains a period, a milestone and a case each round."""
    for hub in Hub.objects.filter(jis_code__in=["13", "14", "04"]):
        lead = cast.coordinator if hub == cast.hub else cast.outsider
        for i in range(n):
            client = supported_client(hub, lead, date(2024, 4 + i % 9, 1 + i % 28))
            figures_of(client, (date(2024, 3, 31), i, 1_000, 10),
                       (date(2025, 3, 31), 2 * i, 1_100, 10))
            MilestoneFactory(case=client.cases.get(), achieved_on=date(2024, 12, 1))
    for i in range(n):
        done = firm.financial_snapshots.count()
        figures_of(firm, (date(2000 + done, 3, 31), i, 100, 1))
        case = supported_client(cast.hub, cast.coordinator, date(2024, 5, 1), client=firm)
        MilestoneFactory(case=case.cases.order_by("-pk").first())


def _url(name, takes, query, *, hub, firm) -> str:
    kwargs = {"hub": {"jis_code": hub.jis_code}, "client": {"pk": firm.pk},
              "snapshot": {"pk": firm.financial_snapshots.order_by("pk").first().pk},
              "milestone": {"pk": firm.milestones.order_by("pk").first().pk},
              None: {}}[takes]
    return reverse(name, kwargs=kwargs), query


def _measure(cast, urls) -> dict:
    counted = {}
    for key, (url, query) in urls.items():
        client = Client()
        client.force_login(cast.by_role()[key[0]])
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url, query).status_code
        counted[key] = (status, len(queries))
    return counted


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        held = transaction.atomic()
        held.__enter__()
        try:
            cast = cast_make()
            firm = supported_client(cast.hub, cast.coordinator, date(2024, 5, 1))
            _grow(cast, 2, firm)
            urls = {(role, name, str(query)): _url(name, takes, query, hub=cast.hub, firm=firm)
                    for role, name, takes, query, _budget in PAGES}
            connection.features.supports_json_field  # noqa: B018  (asked once per connection)
            small = _measure(cast, urls)
            _grow(cast, 10, firm)
            large = _measure(cast, urls)
        finally:
            transaction.set_rollback(True)
            held.__exit__(None, None, None)
    return small, large


@pytest.mark.parametrize(("role", "name", "takes", "query", "budget"), PAGES,
                         ids=[f"{p[1]}-{p[0]}-{p[3].get('format', 'html')}" for p in PAGES])
def test_outcome_pages_run_the_same_queries_with_more_data(counts, role, name, takes, query,
                                                           budget):
    small, large = (c[role, name, str(query)] for c in counts)
    assert small[0] == large[0] == 200
    assert small[1] == large[1], f"{name}: {small[1]} queries with little data, {large[1]} more"
    assert large[1] <= budget, f"{name}: {large[1]} queries, budget {budget}"
