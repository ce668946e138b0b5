"""The scoring sheet as HQ works through it: how many items are scored (kept up to date by
each save), a jump to the next item without a level, and beside each item the hub's own
self-check level this year and HQ's level for the same item last year."""

import re

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Item, SelfCheck
from tests.evaluation.factories import SelfCheckFactory, published_guideline
from tests.hubs.factories import UserFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


@pytest.fixture
def hearing(cast):
    published_guideline(fiscal_year=YEAR, by=cast.hq)
    return services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR, held_on=fiscal.today(),
                                     lead=cast.hq, by=cast.hq)


def _items(hearing):
    return list(Item.objects.filter(area__guideline=hearing.guideline)
                .order_by("area__sort_order", "sort_order", "code"))


def _coordinator_items(hearing):
    return [item for item in _items(hearing) if "coordinator" in item.roles]


def _self_checks(cast, hearing, levels: list[int]):
    """One submitted coordinator self-check per level, each rating the first coordinator item
    at that level."""
    for level in levels:
        SelfCheckFactory(user=UserFactory(), hub=cast.hub, guideline=hearing.guideline,
                         status=SelfCheck.Status.SUBMITTED, levels=[level])


def _last_years_hearing(cast, level: int):
    published_guideline(fiscal_year=YEAR - 1, by=cast.hq)
    last = services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR - 1, held_on=fiscal.today(),
                                     lead=cast.hq, by=cast.hq)
    for item in Item.objects.filter(area__guideline=last.guideline):
        services.score_save(hearing=last, item=item, by=cast.hq, level=level, evidence="",
                            version=0)
    services.hearing_finalise(hearing=last, by=cast.hq)
    return last


def _sheet(client, hearing) -> str:
    return client.get(reverse("evaluation:hearing_score", args=[hearing.pk])).content.decode()


def _row(page: str, item) -> str:
    return page.split(f'id="score-{item.pk}"', 1)[1].split("</form>", 1)[0]


def _save(client, hearing, item, level, version=0):
    return client.post(reverse("evaluation:score_save", args=[hearing.pk, item.pk]),
                       {"level": level, "evidence": "", "version": version},
                       HTTP_HX_REQUEST="true")


def test_each_item_shows_the_hubs_self_check_level_and_last_years_level(client, cast,
                                                                         hearing):
    _self_checks(cast, hearing, [2, 3, 3])
    _last_years_hearing(cast, level=4)
    client.force_login(cast.hq)
    page = _sheet(client, hearing)

    rated = _row(page, _coordinator_items(hearing)[0])
    assert re.search(r"今年度の拠点の自己点検：<strong>2\.7</strong>（3件）", rated)
    assert "昨年度のヒアリング：<strong>レベル4</strong>" in rated
    unrated = _row(page, _coordinator_items(hearing)[1])
    assert "今年度の拠点の自己点検：—" in unrated


def test_a_self_check_level_over_too_few_self_checks_is_not_shown(client, cast, hearing):
    _self_checks(cast, hearing, [1, 4])  # with two, each could work out the other's level
    client.force_login(cast.hq)
    rated = _row(_sheet(client, hearing), _coordinator_items(hearing)[0])
    assert "非表示（件数が少ないため）" in rated
    assert "2.5" not in rated
    assert "昨年度のヒアリング：—" in rated  # no hearing last year


def test_last_years_level_counts_only_a_finalised_or_published_hearing(client, cast, hearing):
    last = _last_years_hearing(cast, level=4)
    services.hearing_reopen(hearing=last, by=cast.hq, reason="再確認")
    client.force_login(cast.hq)
    assert "昨年度のヒアリング：—" in _row(_sheet(client, hearing), _items(hearing)[0])


def test_the_count_of_scored_items_follows_each_save(client, cast, hearing):
    items = _items(hearing)
    client.force_login(cast.hq)
    assert f"採点済み 0／{len(items)}項目" in _sheet(client, hearing)

    saved = _save(client, hearing, items[0], level=3).content.decode()

    assert re.search(r'id="score-progress"[^>]*hx-swap-oob="true"', saved)
    assert f"採点済み 1／{len(items)}項目" in saved
    assert f"採点済み 1／{len(items)}項目" in _sheet(client, hearing)


def test_the_jump_goes_to_the_first_item_without_a_level(client, cast, hearing):
    items = _items(hearing)
    client.force_login(cast.hq)
    assert re.search(rf'href="#score-{items[0].pk}"\s+data-next-unscored', _sheet(client, hearing))
    _save(client, hearing, items[0], level=2)
    assert re.search(rf'href="#score-{items[1].pk}"\s+data-next-unscored', _sheet(client, hearing))


def test_a_conflict_row_keeps_its_comparisons(client, cast, hearing):
    _last_years_hearing(cast, level=1)
    item = _items(hearing)[0]
    client.force_login(cast.hq)
    _save(client, hearing, item, level=3)
    stale = _save(client, hearing, item, level=2, version=0)  # read before the first save
    assert stale.status_code == 409
    assert "昨年度のヒアリング：<strong>レベル1</strong>" in stale.content.decode()


def test_the_sheet_runs_a_fixed_number_of_queries(client, cast, hearing):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.hq)
    url = reverse("evaluation:hearing_score", args=[hearing.pk])
    counts = []
    for grow in (lambda: _self_checks(cast, hearing, [3]),
                 lambda: (_self_checks(cast, hearing, [1, 2, 4, 4]),
                          _last_years_hearing(cast, level=2),
                          [_save(client, hearing, item, level=3) for item in _items(hearing)[:5]])):
        grow()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12, counts  # as in test_evaluation.py
