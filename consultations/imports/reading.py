"""Step 1: reading an uploaded CSV or .xlsx file into its header and rows, refusing files that
are too large, too long or unreadable with an `ImportFileError` the user can act on."""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .columns import COLUMNS, HEADER_KEYS, _blank, _header_key

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
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


def read_upload(uploaded) -> Upload:
    """Reads an uploaded file (a Django UploadedFile or anything with .name, .size, .read())."""
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
    if content.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm")):
        records = _xlsx_records(content)
    elif lower.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Excel 97-2003 workbooks (.xls) cannot be read. Save the file "
                                "as an Excel workbook (.xlsx) or as CSV and upload it again."))
    else:
        records = _csv_records(content)
    return _upload(name, records)


def _too_big() -> str:
    return _("The file is larger than 5 MB. Split it into smaller files and import them one "
             "by one.")


def _too_long() -> str:
    return _("The file has more than %(max)s data rows. Split it into smaller files and import "
             "them one by one.") % {"max": f"{MAX_ROWS:,}"}


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


def _xlsx_records(content: bytes):
    unreadable = _("The Excel file could not be read. Check that it is an Excel workbook "
                   "(.xlsx) and that it is not protected by a password.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(unreadable) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_too_big())
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(unreadable) from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def _upload(filename: str, records) -> Upload:
    records = iter(records)
    headers = next(records, None)
    while headers is not None and all(_blank(v) for v in headers):
        headers = next(records, None)
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    while headers and _blank(headers[-1]):
        headers = headers[:-1]
    positions, ignored = _columns(headers)
    rows = []
    for number, raw in enumerate(records, start=2):
        if all(_blank(v) for v in raw):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_too_long())
        values = {header: raw[i] if i < len(raw) else None for header, i in positions.items()}
        rows.append(Row(number=number, raw=list(raw), values=values))
    if not rows:
        raise ImportFileError(_("The file has no data rows under the header row."))
    return Upload(filename=filename, headers=list(headers), rows=rows, ignored_headers=ignored)


def _columns(headers) -> tuple[dict, list]:
    positions, ignored = {}, []
    for i, value in enumerate(headers):
        header = HEADER_KEYS.get(_header_key(value))
        if header is None:
            if not _blank(value):
                ignored.append(str(value).strip())
            continue
        if header in positions:
            raise ImportFileError(_("The column %(column)s appears more than once. Keep one "
                                    "and upload the file again.") % {"column": header})
        positions[header] = i
    missing = [c.header for c in COLUMNS if c.required and c.header not in positions]
    if missing:
        raise ImportFileError(_(
            "The first row must be the column headers, and these required columns are "
            "missing: %(columns)s. Compare the header row with the table on this page.")
            % {"columns": "、".join(missing)})
    return positions, ignored
