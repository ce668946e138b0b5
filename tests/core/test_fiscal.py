from datetime import date

import pytest
from django.utils import translation

from yorozu.core import fiscal


@pytest.mark.parametrize(("day", "year"), [
    (date(2026, 3, 31), 2025), (date(2026, 4, 1), 2026), (date(2027, 1, 15), 2026),
])
def test_fiscal_year_runs_from_april_to_march(day, year):
    assert fiscal.fiscal_year_of(day) == year


@pytest.mark.parametrize(("year", "label"), [
    (2025, "2025年度（令和7年度）"), (2019, "2019年度（令和元年度）"),
    (2018, "2018年度（平成30年度）"),
])
def test_fiscal_year_reads_with_its_era_in_japanese(year, label):
    with translation.override("ja"):
        assert fiscal.fiscal_year_label(year) == label


def test_fiscal_year_reads_as_fy_in_english():
    with translation.override("en"):
        assert fiscal.fiscal_year_label(2025) == "FY2025"


@pytest.mark.parametrize(("day", "label"), [
    (date(2019, 4, 30), "平成31年"), (date(2019, 5, 1), "令和元年"), (date(2026, 12, 1), "令和8年"),
])
def test_era_year_is_the_era_in_force_on_the_day(day, label):
    assert fiscal.era_year(day) == label
