"""Dates on Japanese pages (docs/wording.md): 2026年12月1日 in running text and headings,
2026/12/01 in dense tables; times after a space. Django's own ja formats otherwise."""

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y/m/d"
DATETIME_FORMAT = "Y年n月j日 G:i"
SHORT_DATETIME_FORMAT = "Y/m/d G:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
