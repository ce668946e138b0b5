"""Step 1: reading an uploaded CSV or .xlsx file into its header and rows, refusing files that
are too large, too long or unreadable with an `ImportFileError` the user can act on.

A file is read within fixed bounds whatever it claims about itself: a sheet's stated size
(its <dimension>) is ignored, only the first MAX_COLUMNS columns are read, blank rows count
towards their own limit, and reading stops after MAX_READ_SECONDS. A 2 KB workbook claiming
20,000 × 16,384 cells would otherwise keep a worker busy for minutes."""

import csv
import io
import time
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ..validators import clean_text
from .columns import COLUMNS, HEADER_KEYS, _blank, _header_key

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_BLANK_ROWS = 10_000
MAX_COLUMNS = 100
MAX_READ_SECONDS = 20
# An .xlsx is a zip: refuse one that would unpack to far more than any real sheet (zip bomb).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `message` says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    number: int  # as the user sees it in the file: the header is row 1
    raw: list  # the values as read, for the rejected-rows file
    values: dict  # header -> raw value, for the known columns
    errors: list = field(default_factory=list)  # [(header, message)]
    data: dict = field(default_factory=dict)  # cleaned values, once checked

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Upload:
    filename: str
    headers: list  # as in the file, for the rejected-rows file
    rows: list[Row]
    ignored_headers: list[str] = field(default_factory=list)


def read_upload(uploaded, *, columns: list | None = None) -> Upload:
    """Reads an uploaded file (a Django UploadedFile or anything with .name, .size, .read()).
    `columns`: the format's columns (columns.Column), by default the sessions'; another
    import of this project (evaluation.outcomes: clients' financial figures) passes its own."""
    name = getattr(uploaded, "name", "") or ""
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(_too_big())
    content = uploaded.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ImportFileError(_too_big())
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    lower = name.lower()
    deadline = _Deadline(MAX_READ_SECONDS)
    if content.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm")):
        records = _xlsx_records(content, deadline)
    elif lower.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Excel 97-2003 workbooks (.xls) cannot be read. Save the file "
                                "as an Excel workbook (.xlsx) or as CSV and upload it again."))
    else:
        records = _csv_records(content)
    return _upload(name, _bounded(records, deadline), columns or COLUMNS)


class _Deadline:
    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise ImportFileError(_(
                "Reading the file took too long. Check that it holds only the sessions to "
                "import (one sheet, no images); split it into smaller files if it is large."))


class _TimedBytes(io.BytesIO):
    """The workbook's bytes, checking the deadline whenever the zip reader takes more: openpyxl
    parses a whole row (or the shared strings) before it yields, so a check between rows alone
    would not stop one enormous row."""

    def __init__(self, content: bytes, deadline: _Deadline):
        super().__init__(content)
        self.deadline = deadline

    def read(self, size=-1):
        self.deadline.check()
        return super().read(size)


def _too_big() -> str:
    return _("The file is larger than 5 MB. Split it into smaller files and import them one "
             "by one.")


def _too_long() -> str:
    return _("The file has more than %(max)s data rows. Split it into smaller files and import "
             "them one by one.") % {"max": f"{MAX_ROWS:,}"}


def _too_many_blanks() -> str:
    return _("The file has more than %(max)s empty rows. Delete the empty rows (also those "
             "below the data) and upload it again.") % {"max": f"{MAX_BLANK_ROWS:,}"}


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS as Japanese Excel saves it (cp932, which
    adds the NEC and IBM extensions: ①, ㈱, 髙...)."""
    bom = content.startswith(b"\xef\xbb\xbf")
    for encoding in ["utf-8-sig"] if bom else ["utf-8", "cp932"]:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file's character encoding could not be recognised. In Excel, "
                            "save it as \"CSV UTF-8\" or as an Excel workbook (.xlsx)."))


def _csv_records(content: bytes):
    text = decode_csv(content)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file could not be read (%(error)s). Check that it was "
                                "saved as CSV.") % {"error": exc}) from exc


def _unreadable() -> str:
    return _("The Excel file could not be read. Check that it is an Excel workbook (.xlsx) and "
             "that it is not protected by a password.")


def _xlsx_records(content: bytes, deadline: _Deadline):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_unreadable()) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_too_big())
    workbook = _or_unreadable(lambda: load_workbook(_TimedBytes(content, deadline),
                                                    read_only=True, data_only=True))
    try:
        sheet = _or_unreadable(lambda: workbook.worksheets[0])
        # The sheet's own <dimension> is not trusted: its width would pad every row and every
        # missing row (16,384 columns for A1:XFD…), its height could also cut real rows off.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        while (values := _or_unreadable(lambda: next(rows, None))) is not None:
            yield values
    finally:
        workbook.close()


def _or_unreadable(step):
    """Runs one step of reading a workbook: a broken file fails in openpyxl (or the XML parser
    under it) with any kind of exception, at opening or many rows further on."""
    try:
        return step()
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_unreadable()) from exc


def _bounded(records, deadline: _Deadline):
    """Each record cut to MAX_COLUMNS, without the empty cells that pad it on the right, its
    text cleaned as typed text is (validators.clean_text); the deadline checked between rows."""
    for values in records:
        deadline.check()
        row = list(values[:MAX_COLUMNS])
        if row.count(None) == len(row):  # a missing or empty row, without a loop in Python
            yield []
            continue
        while row[-1] is None:
            row.pop()
        yield [clean_text(v) if isinstance(v, str) else v for v in row]


def _upload(filename: str, records, columns: list) -> Upload:
    records = iter(records)
    blanks = _BlankCount()
    headers = next(records, None)
    while headers is not None and all(_blank(v) for v in headers):
        blanks.add()
        headers = next(records, None)
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    while headers and _blank(headers[-1]):
        headers = headers[:-1]
    positions, ignored = _columns(headers, columns)
    rows = []
    # Row numbers as the user sees them: blank rows above the header count too.
    for number, raw in enumerate(records, start=blanks.count + 2):
        if all(_blank(v) for v in raw):
            blanks.add()
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_too_long())
        values = {header: raw[i] if i < len(raw) else None for header, i in positions.items()}
        rows.append(Row(number=number, raw=list(raw), values=values))
    if not rows:
        raise ImportFileError(_("The file has no data rows under the header row."))
    return Upload(filename=filename, headers=list(headers), rows=rows, ignored_headers=ignored)


class _BlankCount:
    """Blank rows are skipped, but counted: otherwise a file of blank rows (or a sheet whose
    only data row is its millionth) is read to the end however long it is."""

    def __init__(self):
        self.count = 0

    def add(self) -> None:
        self.count += 1
        if self.count > MAX_BLANK_ROWS:
            raise ImportFileError(_too_many_blanks())


def _columns(headers, columns: list) -> tuple[dict, list]:
    keys = HEADER_KEYS if columns is COLUMNS else {_header_key(c.header): c.header
                                                   for c in columns}
    positions, ignored = {}, []
    for i, value in enumerate(headers):
        header = keys.get(_header_key(value))
        if header is None:
            if not _blank(value):
                ignored.append(str(value).strip())
            continue
        if header in positions:
            raise ImportFileError(_("The column %(column)s appears more than once. Keep one "
                                    "and upload the file again.") % {"column": header})
        positions[header] = i
    missing = [c.header for c in columns if c.required and c.header not in positions]
    if missing:
        raise ImportFileError(_(
            "The first row must be the column headers, and these required columns are "
            "missing: %(columns)s. Compare the header row with the table on this page.")
            % {"columns": "、".join(missing)})
    return positions, ignored
