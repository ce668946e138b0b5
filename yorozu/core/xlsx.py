"""Excel (.xlsx) helpers for every app's downloads: safe cells, headers and the response.

Sheets are written in openpyxl's write-only mode; `cell` keeps text as text (no formulas)."""

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"


def attachment_disposition(filename: str, fallback: str = "") -> str:
    """Content-Disposition for a download: an ASCII `filename` for old clients and the real
    (often Japanese) name as RFC 5987 `filename*`, which every current browser prefers."""
    ascii_name = fallback or filename.encode("ascii", "ignore").decode() or "download"
    ascii_name = "".join(c for c in ascii_name if 0x20 <= ord(c) < 0x7F and c not in '"\\')
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(content: bytes, *, filename: str, fallback: str = "") -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(filename, fallback)
    # Downloads hold client records: never kept in a shared or browser cache.
    response["Cache-Control"] = "private, no-store"
    return response


def cell(sheet, value, *, number_format: str | None = None):
    """A write-only cell that is exactly `value`. Text is always stored as text, so a value that
    starts with "=" stays a value and never becomes a formula (no formula injection), and
    control characters, which Excel refuses, are dropped."""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        written = WriteOnlyCell(sheet, value=text)
        written.data_type = "s"
        return written
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
