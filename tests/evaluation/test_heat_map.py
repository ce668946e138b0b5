"""HQ's national heat map: colour bands as the numbers read, the national median row (one
definition), sorting by hub, overall or area level with hubs without a value last, grouping
by bureau, and each hub linking to its hearing and result."""

import re
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from django.urls import reverse

from evaluation import heat_map, services
from evaluation.heat_map import Cell, HeatRow, Order
from evaluation.models import Item
from hubs.models import Hub
from tests.evaluation.factories import published_guideline
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


# --- Bands, overall, median --------------------------------------------------------------------
@pytest.mark.parametrize(("average", "band"), [
    (None, 0), (1.0, 1), (1.44, 1), (1.45, 2), (2.449, 2), (2.45, 3), (3.45, 4), (4.0, 4)])
def test_a_cell_is_coloured_as_its_printed_number_reads(average, band):
    assert heat_map.band(average) == band


def test_overall_weighs_each_area_by_its_scored_items():
    assert heat_map.overall([(4.0, 3), (1.0, 1)]) == pytest.approx(3.25)
    assert heat_map.overall([]) is None


def _row(code, values, overall=None, bureau=None):
    hub = SimpleNamespace(jis_code=code, bureau_id=bureau and bureau.code, bureau=bureau)
    return HeatRow(hub=hub, cells=[Cell(v) for v in values], overall=Cell(overall))


def test_the_median_leaves_out_hubs_without_a_value():
    rows = [_row("01", [1.0, None], 1.0), _row("02", [2.0, None], 3.0),
            _row("03", [4.0, 3.0], None), _row("04", [None, None], 2.0)]
    cells, overall = heat_map.median_row(rows, 2)
    assert [c.value for c in cells] == [2.0, 3.0]
    assert overall.value == 2.0
    assert heat_map.median_row([_row("01", [None], None)], 1)[1].value is None


# --- Sorting and grouping --------------------------------------------------------------------
def test_sorting_by_a_level_puts_hubs_without_one_last_either_way():
    rows = [_row("01", [2.0], 2.0), _row("02", [None], None), _row("03", [3.5], 3.5)]
    codes = ["A"]
    high = heat_map.sort_rows(rows, key="A", descending=True, area_codes=codes)
    low = heat_map.sort_rows(rows, key="overall", descending=False, area_codes=codes)
    back = heat_map.sort_rows(rows, key="hub", descending=True, area_codes=codes)
    assert [r.hub.jis_code for r in high] == ["03", "01", "02"]
    assert [r.hub.jis_code for r in low] == ["01", "03", "02"]
    assert [r.hub.jis_code for r in back] == ["03", "02", "01"]


def test_grouping_keeps_the_bureaus_order_and_the_rows_order():
    kanto = SimpleNamespace(code="kanto", sort_order=3, name="関東")
    tohoku = SimpleNamespace(code="tohoku", sort_order=2, name="東北")
    rows = [_row("13", [], 4.0, kanto), _row("04", [], 3.0, tohoku), _row("14", [], 1.0, kanto)]
    groups = heat_map.group_by_bureau(rows)
    assert [(g.bureau.code, [r.hub.jis_code for r in g.rows]) for g in groups] == [
        ("tohoku", ["04"]), ("kanto", ["13", "14"])]


@pytest.mark.parametrize(("query", "expected"), [
    ("", ("hub", "asc", False)), ("sort=overall", ("overall", "desc", False)),
    ("sort=B&dir=asc&group=bureau", ("B", "asc", True)),
    ("sort=nonsense&dir=sideways", ("hub", "asc", False))])
def test_the_order_is_read_from_the_address_and_anything_unknown_is_the_default(query,
                                                                                 expected):
    order = Order.from_query(QueryDict(query), ["A", "B"])
    assert (order.key, order.direction, order.grouped) == expected


# --- The page ----------------------------------------------------------------------------------
@pytest.fixture
def scored(cast):
    """Tokyo finalised at level 4 throughout, Miyagi at 2; Osaka's hearing is still being
    scored (linked, not counted)."""
    guideline = published_guideline(fiscal_year=YEAR, by=cast.hq)
    hearings = {}
    for code, level in (("13", 4), ("04", 2), ("27", None)):
        hearing = services.hearing_schedule(hub=Hub.objects.get(jis_code=code), fiscal_year=YEAR,
                                            held_on=fiscal.today(), lead=cast.hq, by=cast.hq)
        if level:
            for item in Item.objects.filter(area__guideline=guideline):
                services.score_save(hearing=hearing, item=item, by=cast.hq, level=level,
                                    evidence="", version=0)
            services.hearing_finalise(hearing=hearing, by=cast.hq)
        hearings[code] = hearing
    return hearings


def _page(client, cast, **params):
    client.force_login(cast.hq)
    return client.get(reverse("evaluation:national"), {"year": YEAR, **params})


def test_the_page_shows_the_legend_the_median_and_links_to_hearings_and_results(client, cast,
                                                                                scored):
    response = _page(client, cast)
    html = response.content.decode()
    assert "3.5以上（レベル4相当）" in html and "確定したヒアリングなし" in html
    median = html.split('class="heat-median"', 1)[1].split("</tbody>", 1)[0]
    assert "全国の中央値" in median and ">3.0</td>" in median  # the middle of 4.0 and 2.0
    result = reverse("evaluation:hub_result", args=["13"])
    assert f'href="{result}?year={YEAR}">東京都</a>' in html
    for code in ("13", "27"):  # a hearing being scored is linked too
        assert reverse("evaluation:hearing_detail", args=[scored[code].pk]) in html
    assert 'aria-sort="ascending"' in html  # by hub, north to south


def test_sorting_by_overall_puts_the_highest_first_and_says_so(client, cast, scored):
    response = _page(client, cast, sort="overall")
    codes = [row.hub.jis_code for row in response.context["rows"]]
    assert codes[:2] == ["13", "04"] and codes[2] == "01"  # then the unscored, north to south
    header = re.search(r'<th scope="col"[^>]*aria-sort="descending"[^>]*>(.*?)</th>',
                       response.content.decode())
    assert header and "全体" in header[1]
    assert "sort=overall&amp;dir=asc" in header[1]  # choosing it again reverses


def test_grouping_by_bureau_shows_a_header_row_per_bureau(client, cast, scored):
    html = _page(client, cast, group="bureau").content.decode()
    headers = re.findall(r'<th scope="colgroup"[^>]*>([^<]+)</th>', html)
    assert len(headers) == 9 and headers[0] == "北海道経済産業局"
    assert "全てを一覧で表示" in html


def test_the_national_view_stays_hq_only(client, cast, scored):
    client.force_login(cast.bureau)
    assert client.get(reverse("evaluation:national")).status_code == 403
