"""The fiscal year a year-based page shows, and the years its picker offers.

Every year-based page reads `?year=` and includes templates/_year_picker.html with a
`YearPicker`. Pages whose data starts only when something is published (the guideline of the
year, in spring) pass the years that have data: opened without `?year=`, they show the latest
of those when the current year has none yet, and say so."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import Http404

from . import fiscal

FIRST_YEAR, LAST_YEAR = 2000, 2100
RECENT_YEARS = 5  # offered by pages whose every year may have data


@dataclass(frozen=True)
class YearPicker:
    year: int  # the year shown
    choices: list[tuple[int, str]]  # (year, label), newest first
    passed_over: int | None = None  # the current year, when it had no data and was skipped

    @property
    def label(self) -> str:
        return fiscal.fiscal_year_label(self.year)

    @property
    def passed_over_label(self) -> str:
        return fiscal.fiscal_year_label(self.passed_over) if self.passed_over else ""


def requested_year(request) -> int | None:
    """The year picked (`?year=`), or None; a 404 for anything that is not a plausible year."""
    raw = request.GET.get("year")
    if not raw:
        return None
    try:
        year = int(raw)
    except ValueError as exc:
        raise Http404 from exc
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def recent_years(current: int | None = None) -> list[int]:
    current = current or fiscal.current_fiscal_year()
    return list(range(current, current - RECENT_YEARS, -1))


def year_choices(years: Iterable[int]) -> list[tuple[int, str]]:
    """The picker's options: each year once, newest first, with its label."""
    return [(year, fiscal.fiscal_year_label(year)) for year in sorted(set(years), reverse=True)]


def year_picker(request, *, years_with_data: Iterable[int] | None = None) -> YearPicker:
    """The year asked for; else the current year; else, when `years_with_data` is given and
    the current year is not among them, the latest of them up to the current year (the page
    should say that the current year has nothing yet). The picker offers the years with data
    (or the recent years), the current year and the year shown."""
    current = fiscal.current_fiscal_year()
    with_data = set(years_with_data) if years_with_data is not None else None
    year, passed_over = requested_year(request), None
    if year is None:
        year = current
        earlier = sorted((y for y in with_data or () if y <= current), reverse=True)
        if with_data is not None and current not in with_data and earlier:
            year, passed_over = earlier[0], current
    offered = with_data if with_data is not None else set(recent_years(current))
    return YearPicker(year=year, choices=year_choices({*offered, current, year}),
                      passed_over=passed_over)


def picker_for(year: int) -> YearPicker:
    """A picker for a page that has chosen its year itself: the recent years and that one."""
    return YearPicker(year=year, choices=year_choices({*recent_years(), year}))
