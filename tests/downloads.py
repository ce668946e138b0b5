"""Opening downloaded files the way a user's Excel would, for the tests of every export:
the workbook with openpyxl, a CSV decoded in its encoding, a ZIP of CSVs entry by entry."""

import csv
import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from yorozu.core.xlsx import text_width

FORMATS = ["xlsx", "csv-cp932", "csv-utf8"]
ENCODINGS = {"csv-cp932": "cp932", "csv-utf8": "utf-8-sig"}
BOM = b"\xef\xbb\xbf"


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(content: bytes, chosen: str) -> list[list[str]]:
    """The rows of a CSV download, decoded as Excel would: UTF-8 files start with a BOM,
    CP932 files have none (and would not decode as UTF-8 if they hold Japanese)."""
    if chosen == "csv-utf8":
        assert content.startswith(BOM)
    else:
        assert not content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.decode(ENCODINGS[chosen]), newline="")))


def download_rows(response, chosen: str) -> list[list]:
    """The rows of a list's one-table download in the `chosen` format: an attachment, and in
    Excel a finished table (assert_finished_table)."""
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    if chosen == "xlsx":
        sheet = workbook(response.content).worksheets[0]
        assert_finished_table(sheet)
        return sheet_rows(sheet)
    return csv_rows(response.content, chosen)


def zip_tables(content: bytes, chosen: str) -> dict[str, list[list[str]]]:
    """A CSV book of several sheets: {entry name: rows}."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: csv_rows(archive.read(name), chosen) for name in archive.namelist()}


def shown_width(dimension) -> float:
    """A column's width as Excel shows it, in characters: the file stores it with the cell's
    padding (5 pixels, at 7 pixels a character of the default font), as Excel itself does."""
    return (round(dimension.width * 7) - 5) / 7


def assert_finished_table(sheet, *, header_at: int = 1, freeze: str | None = None,
                          last: int | None = None) -> None:
    """The sheet is finished as every export is: the row under the header frozen, an
    autofilter over the header and the rows, and every column at least as wide as its header
    and its widest value (up to the cap), counting full-width characters twice."""
    rows = sheet_rows(sheet)
    assert sheet.freeze_panes == (freeze or f"A{header_at + 1}")
    width = len(rows[header_at - 1])
    last = last or header_at + _table_length(rows[header_at:])
    assert sheet.auto_filter.ref == f"A{header_at}:{get_column_letter(width)}{last}"
    for index in range(width):
        letter = get_column_letter(index + 1)
        widest = max(_shown(row[index]) for row in rows[:last] if index < len(row))
        assert shown_width(sheet.column_dimensions[letter]) >= min(widest, 58), (letter, widest)
        assert shown_width(sheet.column_dimensions[letter]) <= 62


def _table_length(rows: list[list]) -> int:
    """Data rows run until the first empty row or the end (notes follow an empty row)."""
    for count, row in enumerate(rows):
        if not any(value is not None for value in row):
            return count
    return len(rows)


def _shown(value) -> int:
    if value is None:
        return 0
    if hasattr(value, "hour"):  # a date (yyyy-mm-dd) or a date and time
        return 16 if (value.hour, value.minute) != (0, 0) else 10
    return text_width(str(value))
