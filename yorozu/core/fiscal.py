"""Fiscal years (年度): 1 April to 31 March, named by the year they start in, on Tokyo dates."""

from datetime import date

from django.utils import timezone
from django.utils.translation import get_language


def today() -> date:
    return timezone.localdate()  # TIME_ZONE is Asia/Tokyo


def fiscal_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def current_fiscal_year() -> int:
    return fiscal_year_of(today())


def fiscal_year_start(fiscal_year: int) -> date:
    return date(fiscal_year, 4, 1)


def fiscal_year_end(fiscal_year: int) -> date:
    return date(fiscal_year + 1, 3, 31)


def era_label(fiscal_year: int) -> str:
    """令和7年度 for 2025. Fiscal years are labelled by the era in force on 1 April."""
    if fiscal_year >= 2019:
        era, number = "令和", fiscal_year - 2018
    else:
        era, number = "平成", fiscal_year - 1988
    return f"{era}{'元' if number == 1 else number}年度"


def era_year(day: date) -> str:
    """令和8年 for a day in 2026: the era in force on that day (令和 from 1 May 2019)."""
    if day >= date(2019, 5, 1):
        era, number = "令和", day.year - 2018
    else:
        era, number = "平成", day.year - 1988
    return f"{era}{'元' if number == 1 else number}年"


def fiscal_year_label(fiscal_year: int) -> str:
    if (get_language() or "ja").startswith("ja"):
        return f"{fiscal_year}年度（{era_label(fiscal_year)}）"
    return f"FY{fiscal_year}"


def tokyo_date(moment) -> date:
    """The Tokyo calendar date of an aware datetime (a stored timestamp is in UTC)."""
    return timezone.localdate(moment)
