"""The self-study's pages run a fixed number of queries, whatever the number of areas, items
and documents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import services as evaluation_services
from evaluation.selfstudy.models import Narrative
from tests.evaluation.factories import AreaFactory, ItemFactory
from yorozu.core import fiscal

from .factories import YEAR, document, self_study, year_guideline

# (role, page, budget). The session, the user, the three access queries and the top bar's
# unread count come first on every page.
PAGES = [
    # + the self-study, its areas and items, the narratives, the documents, whether the
    # hearing is finalised.
    ("chief", "self_study", 12),
    ("hq", "self_study", 12),  # + the hearing to link back to; no own hub in the menu
    # + the self-study, the narrative, the lock, the total attached, the items, documents.
    ("chief", "area_edit", 11),
    # The hearing page with its evidence pack (23 before the self-study joined it, 24 with the
    # open improvement requests of evaluation/assessments); + the self-study, the areas, their
    # items, narratives, documents, last year's levels.
    ("hq", "hearing_detail", 30),
]


def _grow(study, n):
    guideline = study.guideline
    for _ in range(n):
        area = AreaFactory(guideline=guideline)
        ItemFactory(area=area)
        ItemFactory(area=area)
        Narrative.objects.create(self_study=study, hub=study.hub, area=area, text="記述")
        document(study, by=study.created_by, area=area)
        document(study, by=study.created_by, area=area)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(("role", "page", "budget"), PAGES)
def test_page_stays_within_its_budget_as_areas_and_documents_grow(client, cast, role, page,
                                                                   budget):
    guideline = year_guideline(cast.hq)
    study = self_study(hub=cast.hub, by=cast.chief, guideline=guideline,
                       submitted=role != "chief")
    hearing = evaluation_services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR,
                                                   held_on=fiscal.today(), lead=cast.hq,
                                                   by=cast.hq)
    urls = {"self_study": reverse("selfstudy:self_study", args=["13", YEAR]),
            "area_edit": reverse("selfstudy:area_edit",
                                 args=[study.pk, study.narratives.first().area_id]),
            "hearing_detail": reverse("evaluation:hearing_detail", args=[hearing.pk])}
    client.force_login(cast.by_role()[role])
    connection.features.supports_json_field  # noqa: B018 (asked once per connection)
    _grow(study, 1)
    small = _count(client, urls[page])
    _grow(study, 6)
    large = _count(client, urls[page])
    assert small == large, f"{page}: {small} queries with little data, {large} with more"
    assert large <= budget, f"{page}: {large} queries, budget {budget}"
