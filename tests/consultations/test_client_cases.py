"""A client's page lists its cases as a table (consultations/tables.py ClientCaseTable): the
case table without the client column, each case reached from the date it opened, sorted by
any column, paged with a fixed number of queries, and nobody else's cases."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.consultations.factories import CaseFactory, SessionFactory
from yorozu.core import fiscal


def _records(response) -> list:
    return [row.record for row in response.context["table"].paginated_rows]


def test_the_clients_cases_sort_by_their_columns(client, cast):
    older = CaseFactory(hub=cast.hub, lead=cast.coordinator,
                        opened_on=fiscal.today() - timedelta(days=30))
    newer = CaseFactory(hub=cast.hub, lead=cast.chief, client=older.client)
    for _ in range(2):
        SessionFactory(hub=cast.hub, case=older)
    other_client = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    client.force_login(cast.coordinator)
    url = reverse("consultations:client_detail", args=[older.client_id])

    page = client.get(url)
    assert _records(page) == [newer, older]  # newest first
    body = page.content.decode()
    assert reverse("consultations:case_detail", args=[older.pk]) in body
    assert reverse("consultations:case_detail", args=[other_client.pk]) not in body
    assert 'href="?sort=client' not in body  # no client column: it is this page's client
    assert _records(client.get(url, {"sort": "opened_on"})) == [older, newer]
    assert _records(client.get(url, {"sort": "-session_count"})) == [older, newer]


def test_another_hubs_coordinator_sees_no_case_of_the_client(client, cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    client.force_login(cast.outsider)
    response = client.get(reverse("consultations:client_detail", args=[case.client_id]))
    assert response.status_code == 404
    assert case.client.name not in response.content.decode()


@pytest.mark.parametrize("cases", [2, 55])
def test_the_client_page_costs_the_same_with_more_than_a_page(client, cast, cases):
    first = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    for _ in range(cases - 1):
        SessionFactory(hub=cast.hub, case=CaseFactory(hub=cast.hub, lead=cast.coordinator,
                                                      client=first.client))
    client.force_login(cast.coordinator)
    # The budget of tests/project/test_query_budgets.py.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("consultations:client_detail", args=[first.client_id]),
                              {"sort": "lead"})
    # The page's keys, then its rows (PagedByKey); the statements listed if it fails.
    assert len(queries) <= 13, "\n".join(q["sql"][:160] for q in queries.captured_queries)
    assert response.status_code == 200
    assert len(_records(response)) == min(cases, 50)
