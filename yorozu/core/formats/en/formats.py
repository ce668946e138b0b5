"""Dates on English pages (docs/wording.md): 1 December 2026 in running text, 2026-12-01 in
dense tables (unambiguous for readers of either day-month order)."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "j F Y, G:i"
SHORT_DATETIME_FORMAT = "Y-m-d G:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
