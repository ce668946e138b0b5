"""Plan dashboards run a fixed number of queries, whatever the amount of data: every dashboard
(page and Excel) counted with little data, then again after much more is added."""

from datetime import date

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evaluation.plans.models import AnnualPlan, PlanVersion
from hubs.models import Hub
from tests.conftest import cast_make
from tests.consultations.factories import ReferralFactory, SessionFactory
from tests.evaluation.factories import plan_with_content
from tests.hubs.factories import AgencyFactory

from .test_plan_dashboards import ACCEPTED, TODAY, YEAR, hub_url, page_url

QUERY_PAGES = [("coordinator", "hub"), ("hq", "hub"), ("bureau", "bureau"), ("hq", "bureau"),
               ("hq", "national")]
FORMATS = ["html", "xlsx"]


def _grow(cast, n):
    for hub in Hub.objects.filter(jis_code__in=["13", "14", "04"]):
        lead = cast.coordinator if hub == cast.hub else cast.outsider
        agency = AgencyFactory(hub=hub)
        for i in range(n):
            day = date(2025, 4 + i % 6, 1 + i % 28)
            session = SessionFactory(hub=hub, case__lead=lead, case__opened_on=day,
                                     held_on=day)
            ReferralFactory(hub=hub, case=session.case, agency=agency, follow_up_due=day)
        plan = (AnnualPlan.objects.filter(hub=hub, fiscal_year=YEAR).first()
                or plan_with_content(hub=hub, fiscal_year=YEAR, content=ACCEPTED))
        PlanVersion.objects.create(plan=plan, number=plan.versions.count() + 1,
                                   content=ACCEPTED, submitted_by=lead, outcome="accepted")


def _url(page, fmt):
    query = {"year": YEAR, **({"format": "xlsx"} if fmt == "xlsx" else {})}
    return hub_url(**query) if page == "hub" else page_url(page, **query)


def _measure(cast) -> dict:
    counted = {}
    for role, page in QUERY_PAGES:
        client = Client()
        client.force_login(cast.by_role()[role])
        for fmt in FORMATS:
            with CaptureQueriesContext(connection) as queries:
                status = client.get(_url(page, fmt)).status_code
            counted[role, page, fmt] = (status, len(queries))
    return counted


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """The data grown once for all the dashboards, in a transaction held for the module and
    rolled back at its end (as tests/project/test_query_budgets.py does), on a pinned day."""
    with time_machine.travel(TODAY, tick=False), django_db_blocker.unblock():
        held = transaction.atomic()
        held.__enter__()
        try:
            cast = cast_make()
            _grow(cast, 2)
            small = _measure(cast)
            _grow(cast, 12)
            large = _measure(cast)
        finally:
            transaction.set_rollback(True)
            held.__exit__(None, None, None)
    return small, large


@pytest.mark.parametrize(("role", "page"), QUERY_PAGES, ids=[f"{p}-{r}" for r, p in
                                                             QUERY_PAGES])
@pytest.mark.parametrize("fmt", FORMATS)
def test_dashboards_run_the_same_queries_with_more_data(counts, role, page, fmt):
    small, large = (c[role, page, fmt] for c in counts)
    url = _url(page, fmt)
    assert small[0] == large[0] == 200, f"{url}: answered {small[0]}, then {large[0]}"
    assert small[1] == large[1], f"{url}: {small[1]} queries with little data, {large[1]} with more"
    assert large[1] <= 13, f"{url}: {large[1]} queries"
