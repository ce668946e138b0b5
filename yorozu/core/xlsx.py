"""Excel (.xlsx) helpers for every app's downloads: safe cells, finished tables and the response.

Workbooks are written with XlsxWriter row by row (its constant-memory mode: each finished row
goes to a scratch file, so a long export keeps memory flat). It writes a large report about
twice as fast as openpyxl's write-only mode did (docs/performance.md, National scale); openpyxl
still reads the uploaded workbooks of an import. Text is always written as text (never a
formula). `TableSheet` writes one table to a sheet and finishes it the same way everywhere:
column widths that fit the contents, the header row frozen, an autofilter over the header and
the rows."""

import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONTH_FORMAT = "yyyy-mm"  # a month, written as the date of its first day
# Column widths, in Excel's units (about one half-width character each).
MIN_WIDTH, MAX_WIDTH = 6, 60
# Widths are measured on the first rows of a table only, so that a long export is not
# measured cell by cell: this many.
WIDTH_SAMPLE = 500
# Control characters, which Excel refuses (the same set openpyxl refuses).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


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


class Workbook:
    """An .xlsx file being written: sheets (`sheet`) whose rows go to a scratch file as they are
    finished, and `save`, once, which completes the file and copies it to its target.

    `in_memory`: for a book whose rows are aggregates, their number bounded whatever the number
    of records (a report): held in memory instead, which spares the scratch files (about 15 ms
    for a small report, a tenth of the national roll-up's writing)."""

    def __init__(self, *, in_memory: bool = False):
        self._scratch = tempfile.TemporaryFile()  # noqa: SIM115 - closed by save()
        options = {"in_memory": True} if in_memory else {"constant_memory": True}
        self._book = xlsxwriter.Workbook(self._scratch, options)
        self._formats: dict[str, object] = {}

    def sheet(self, title: str):
        return self._book.add_worksheet(title)

    def number_format(self, code: str):
        if code not in self._formats:
            self._formats[code] = self._book.add_format({"num_format": code})
        return self._formats[code]

    def save(self, target) -> None:
        """Writes the file to `target`, a path or a binary file object."""
        self._book.close()
        with self._scratch:
            self._scratch.seek(0)
            if isinstance(target, str):
                with open(target, "wb") as handle:
                    shutil.copyfileobj(self._scratch, handle)
            else:
                shutil.copyfileobj(self._scratch, target)


def write_cell(workbook: Workbook, sheet, row: int, column: int, value) -> None:
    """Writes exactly `value` at (row, column), both from 0. Text is always stored as text, so a
    value that starts with "=" stays a value and never becomes a formula (no formula
    injection), and control characters, which Excel refuses, are dropped. Numbers stay numbers;
    dates and datetimes become real dates with a date format; None leaves the cell empty."""
    kind = type(value)
    if kind is str:  # most cells, first: a long export writes hundreds of thousands
        sheet.write_string(row, column, ILLEGAL_CHARACTERS_RE.sub("", value))
    elif kind is int or kind is float:
        sheet.write_number(row, column, value)
    elif value is not None:
        _write_other(workbook, sheet, row, column, value)


def _write_other(workbook: Workbook, sheet, row: int, column: int, value) -> None:
    number_format = None
    if isinstance(value, Formatted):
        value, number_format = value.value, value.number_format
    if value is None:
        return
    if isinstance(value, str):
        sheet.write_string(row, column, ILLEGAL_CHARACTERS_RE.sub("", value))
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        cell_format = workbook.number_format(number_format) if number_format else None
        sheet.write_number(row, column, float(value) if isinstance(value, Decimal) else value,
                           cell_format)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, column, local_datetime(value),
                             workbook.number_format(number_format or DATETIME_FORMAT))
    elif isinstance(value, date):
        sheet.write_datetime(row, column, value,
                             workbook.number_format(number_format or DATE_FORMAT))
    else:
        raise TypeError(f"no Excel cell for {type(value).__name__}")


def workbook_bytes(workbook: Workbook) -> bytes:
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
    """One table on a sheet of `workbook`: `lines` above it (a title, the period), one
    `header`, its `row`s, and a `footer` (a total) and `note`s below it. Closing it (it is a
    context manager) sets the widths, the frozen panes and the autofilter, so it must be closed
    before the workbook is saved.

    Widths are measured on the lines, the header and the first WIDTH_SAMPLE rows (notes, long
    sentences meant to overflow, are not measured); the header row is frozen, with the first
    `freeze_columns` columns when the rows are wide."""

    def __init__(self, workbook: Workbook, title: str, *, freeze_columns: int = 0):
        self.workbook = workbook
        self.sheet = workbook.sheet(title)
        self.freeze_columns = freeze_columns
        self._measuring = True  # until WIDTH_SAMPLE rows are measured
        self._widths: list[int] = []
        self._count = 0  # rows written so far
        self._header_at = 0  # the header's row number (from 1), 0 before it
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
        if self._data_rows >= WIDTH_SAMPLE:
            self._measuring = False

    def footer(self, values: list) -> None:
        """A row after the table (a total): measured, but left out of the filter."""
        self._add(values, measure=True)

    def note(self, values: list) -> None:
        self._add(values, measure=False)

    def blank(self) -> None:
        self._add([], measure=False)

    def close(self) -> None:
        for index, measured in enumerate(self._widths):
            self.sheet.set_column(index, index, column_width(measured))
        if self._header_at:
            self.sheet.freeze_panes(self._header_at, self.freeze_columns)
            self.sheet.autofilter(self._header_at - 1, 0, self._last_row - 1,
                                  max(len(self._widths), 1) - 1)

    def _add(self, values: list, *, measure: bool) -> None:
        if measure and self._measuring:
            self._measure(values)
        workbook, sheet, row = self.workbook, self.sheet, self._count
        for column, value in enumerate(values):
            write_cell(workbook, sheet, row, column, value)
        self._count += 1

    def _measure(self, values: list) -> None:
        for index, value in enumerate(values):
            if index == len(self._widths):
                self._widths.append(0)
            self._widths[index] = max(self._widths[index], shown_width(value))
