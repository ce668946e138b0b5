"""Excel (.xlsx) helpers for every app's downloads: safe cells, finished tables and the response.

Sheets are written in openpyxl's write-only mode; `cell` keeps text as text (no formulas).
`TableSheet` writes one table to a sheet and finishes it the same way everywhere: column widths
that fit the contents, the header row frozen, an autofilter over the header and the rows."""

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONTH_FORMAT = "yyyy-mm"  # a month, written as the date of its first day
# Column widths, in Excel's units (about one half-width character each).
MIN_WIDTH, MAX_WIDTH = 6, 60
# A write-only sheet writes its column widths before its first row, so widths are measured
# on the rows held back until then: this many, which keeps memory flat for long exports.
WIDTH_SAMPLE = 500


@dataclass(frozen=True)
class Formatted:
    """A number with its cell format (a percentage, an average), for either file format."""

    value: object
    number_format: str


def attachment_disposition(filename: str, fallback: str = "") -> str:
    """Content-Disposition for a download: an ASCII `filename` for old clients and the real
    (often Japanese) name as RFC 5987 `filename*`, which every current browser prefers."""
    ascii_name = fallback or filename.encode("ascii", "ignore").decode() or "download"
    ascii_name = "".join(c for c in ascii_name if 0x20 <= ord(c) < 0x7F and c not in '"\\')
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(content: bytes, *, filename: str, fallback: str = "",
                  content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename, fallback)
    # Downloads hold client records: never kept in a shared or browser cache.
    response["Cache-Control"] = "private, no-store"
    return response


def local_datetime(value: datetime) -> datetime:
    """Excel has no time zones: an aware datetime is written as Japan's wall-clock time."""
    if timezone.is_aware(value):
        value = timezone.make_naive(value, timezone.get_default_timezone())
    return value


def cell(sheet, value, *, number_format: str | None = None):
    """A write-only cell that is exactly `value`. Text is always stored as text, so a value that
    starts with "=" stays a value and never becomes a formula (no formula injection), and
    control characters, which Excel refuses, are dropped. Numbers stay numbers; dates and
    datetimes become real dates with a date format."""
    if isinstance(value, Formatted):
        return cell(sheet, value.value, number_format=value.number_format)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        written = WriteOnlyCell(sheet, value=text)
        written.data_type = "s"
        return written
    if isinstance(value, datetime):
        value, number_format = local_datetime(value), number_format or DATETIME_FORMAT
    elif isinstance(value, date):
        number_format = number_format or DATE_FORMAT
    written = WriteOnlyCell(sheet, value=value)
    if number_format and value is not None:
        written.number_format = number_format
    return written


def header_row(sheet, headers):
    return [cell(sheet, h) for h in headers]


def workbook_bytes(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Widths ------------------------------------------------------------------------------------
def text_width(text: str) -> int:
    """How many half-width columns `text` takes: wide and full-width characters (kanji, kana,
    full-width punctuation) count two. The widest line counts for text with line breaks."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.split("\n")), default=0)


def shown_width(value) -> int:
    if isinstance(value, Formatted):
        return shown_width(value.value) + (1 if "%" in value.number_format else 0)
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("2026-12-01 10:00")
    if isinstance(value, date):
        return len("2026-12-01")
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return text_width(str(value))


def column_width(measured: int) -> int:
    return min(MAX_WIDTH, max(MIN_WIDTH, measured + 2))


# --- A finished table --------------------------------------------------------------------------
class TableSheet:
    """One table on a write-only sheet: `lines` above it (a title, the period), one `header`,
    its `row`s, and a `footer` (a total) and `note`s below it. Closing it (it is a context
    manager) writes what was held back and sets the autofilter, so it must be closed before
    the workbook is saved.

    Widths are measured on the lines, the header and the first WIDTH_SAMPLE rows (notes, long
    sentences meant to overflow, are not measured); the header row is frozen, with the first
    `freeze_columns` columns when the rows are wide."""

    def __init__(self, workbook, title: str, *, freeze_columns: int = 0):
        self.sheet = workbook.create_sheet(title)
        self.freeze_columns = freeze_columns
        self._held: list[list] | None = []  # None once the widths are written
        self._widths: list[int] = []
        self._count = 0  # rows appended so far, held or written
        self._header_at = 0  # the header's row number, 0 before it
        self._last_row = 0  # the table's last row (header or data)
        self._data_rows = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def lines(self, *rows: list) -> None:
        for values in rows:
            self._add(values, measure=True)

    def header(self, values: list) -> None:
        self._add(values, measure=True)
        self._header_at = self._last_row = self._count

    def row(self, values: list) -> None:
        self._data_rows += 1
        self._add(values, measure=True)
        self._last_row = self._count

    def footer(self, values: list) -> None:
        """A row after the table (a total): measured, but left out of the filter."""
        self._add(values, measure=True)

    def note(self, values: list) -> None:
        self._add(values, measure=False)

    def blank(self) -> None:
        self._add([], measure=False)

    def close(self) -> None:
        self._start()
        if self._header_at:
            last = get_column_letter(max(len(self._widths), 1))
            self.sheet.auto_filter.ref = f"A{self._header_at}:{last}{self._last_row}"

    def _add(self, values: list, *, measure: bool) -> None:
        self._count += 1
        if self._held is None:
            self._append(values)
            return
        if measure:
            self._measure(values)
        self._held.append(values)
        if self._data_rows >= WIDTH_SAMPLE:
            self._start()

    def _measure(self, values: list) -> None:
        for index, value in enumerate(values):
            if index == len(self._widths):
                self._widths.append(0)
            self._widths[index] = max(self._widths[index], shown_width(value))

    def _start(self) -> None:
        if self._held is None:
            return
        for index, measured in enumerate(self._widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column_width(measured)
        if self._header_at:
            self.sheet.freeze_panes = (f"{get_column_letter(self.freeze_columns + 1)}"
                                       f"{self._header_at + 1}")
        held, self._held = self._held, None
        for values in held:
            self._append(values)

    def _append(self, values: list) -> None:
        self.sheet.append([cell(self.sheet, value) for value in values])
