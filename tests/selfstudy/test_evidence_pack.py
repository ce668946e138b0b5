"""The hearing's evidence pack joins the hub's self-study (per area: its narrative and
documents) with last year's levels (per item: the previous fiscal year's finalised hearing,
matched by item code)."""

import re

import pytest
from django.urls import reverse

from evaluation import services as evaluation_services
from evaluation.models import Hearing, Item, Score
from yorozu.core import fiscal

from .factories import YEAR, document, self_study, year_guideline


@pytest.fixture
def hearing(cast):
    year_guideline(cast.hq)  # published: a hearing is scored against it
    return evaluation_services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR,
                                                held_on=fiscal.today(), lead=cast.hq,
                                                by=cast.hq)


@pytest.fixture
def last_year(cast):
    """Last year's hearing of the hub, finalised, each item scored by its position (1-4)."""
    guideline = year_guideline(cast.hq, YEAR - 1)
    hearing = Hearing.objects.create(hub=cast.hub, fiscal_year=YEAR - 1, guideline=guideline,
                                     held_on=fiscal.today(), lead=cast.hq,
                                     status=Hearing.Status.FINALISED)
    items = Item.objects.filter(area__guideline=guideline).order_by("pk")
    Score.objects.bulk_create(Score(hearing=hearing, item=item, level=1 + i % 4)
                              for i, item in enumerate(items))
    return {item.code: 1 + i % 4 for i, item in enumerate(items)}


def _levels_shown(page: str) -> dict[str, str]:
    rows = re.findall(r'<tr><th scope="row" class="fit">([^<]+)</th><td>[^<]*</td>'
                      r'<td class="fit">([^<]+)</td></tr>',
                      page)
    return dict(rows)


def _open(client, cast, hearing) -> str:
    client.force_login(cast.hq)
    response = client.get(reverse("evaluation:hearing_detail", args=[hearing.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_pack_shows_the_submitted_self_study_beside_last_years_levels(client, cast,
                                                                          hearing, last_year):
    study = self_study(hub=cast.hub, by=cast.chief, guideline=hearing.guideline,
                       submitted=True, text="専門家と連携した提案を重ねた。")
    first_area = hearing.guideline.areas.order_by("sort_order").first()
    doc = document(study, by=cast.chief, area=first_area, name="事例集.pdf")
    page = _open(client, cast, hearing)
    assert page.count("専門家と連携した提案を重ねた。") == hearing.guideline.areas.count()
    assert reverse("selfstudy:document_download", args=[doc.pk]) in page
    assert "事例集.pdf" in page
    shown = _levels_shown(page)
    this_year = set(Item.objects.filter(area__guideline=hearing.guideline)
                    .values_list("code", flat=True))
    assert shown == {code: str(level) for code, level in last_year.items() if code in this_year}
    assert 'class="text-body-secondary no-last-year"' not in page


def test_without_a_hearing_last_year_the_pack_says_so(client, cast, hearing):
    self_study(hub=cast.hub, by=cast.chief, guideline=hearing.guideline, submitted=True,
               text="今年度の記述")
    page = _open(client, cast, hearing)
    assert "今年度の記述" in page
    assert 'no-last-year' in page
    assert set(_levels_shown(page).values()) == {"—"}


def test_an_unfinalised_hearing_last_year_gives_no_levels(client, cast, hearing, last_year):
    Hearing.objects.filter(fiscal_year=YEAR - 1).update(status=Hearing.Status.SCORING)
    page = _open(client, cast, hearing)
    assert set(_levels_shown(page).values()) == {"—"}


def test_a_draft_self_study_is_not_in_the_pack(client, cast, hearing, last_year):
    self_study(hub=cast.hub, by=cast.chief, guideline=hearing.guideline, text="下書き")
    page = _open(client, cast, hearing)
    assert "下書き" not in page
    assert _levels_shown(page)  # last year's levels show all the same


def test_another_hubs_self_study_never_joins_this_hubs_pack(client, cast, hearing):
    self_study(hub=cast.other_hub, by=cast.outsider, guideline=hearing.guideline,
               submitted=True, text="宮城の記述")
    assert "宮城の記述" not in _open(client, cast, hearing)
