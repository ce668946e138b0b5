"""The file formats of every list and report download, chosen by the user: Excel, or CSV in
CP932 (Shift_JIS, what Japanese Excel opens by default) or UTF-8 with a byte-order mark.

A producer writes its tables once through a "book" (`book_for(format)`): `book.table(title)`
gives a TableSheet (xlsx) or a CsvTable (csv) with the same calls. A CSV book of one table is
one .csv file; a book of several tables (a report with several sheets) is a .zip holding one
.csv per sheet, numbered in sheet order."""

import contextlib
import gc
import shutil
import tempfile
import zipfile
from io import BytesIO

from django import forms
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .csvfile import CONTENT_TYPES, CP932, UTF8, CsvTable, text_stream
from .xlsx import XLSX_CONTENT_TYPE, TableSheet, Workbook, xlsx_response

XLSX, CSV_CP932, CSV_UTF8 = "xlsx", "csv-cp932", "csv-utf8"
FORMATS = (XLSX, CSV_CP932, CSV_UTF8)
CSV_ENCODINGS = {CSV_CP932: CP932, CSV_UTF8: UTF8}
FORMAT_CHOICES = [(XLSX, _("Excel")), (CSV_CP932, _("CSV (Shift_JIS, for Excel)")),
                  (CSV_UTF8, _("CSV (UTF-8)"))]
ZIP_CONTENT_TYPE = "application/zip"
CONTENT_TYPES_BY_EXTENSION = {".xlsx": XLSX_CONTENT_TYPE, ".csv": "text/csv",
                              ".zip": ZIP_CONTENT_TYPE}
# CSV tables are held in memory up to this size, then in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def requested_format(request) -> str | None:
    """The download format a list page was asked for (?format=...), None for the page."""
    chosen = request.GET.get("format")
    return chosen if chosen in FORMATS else None


def japanese_labels(choices) -> dict:
    """The Japanese of a model's choices, as the Japanese UI shows them: files read the same
    whatever language the person who downloads them uses."""
    with translation.override("ja"):
        return {value: str(label) for value, label in choices}


def format_field() -> forms.ChoiceField:
    """The format choice of a form that asks for a file (a report job); Excel when the form
    sent none (a page loaded before the choice existed)."""
    return forms.TypedChoiceField(
        label=_("File format"), choices=FORMAT_CHOICES, initial=XLSX, required=False,
        empty_value=XLSX, widget=forms.RadioSelect(attrs={"class": "form-check-input"}))


def content_type_for(filename: str) -> str | None:
    for extension, content_type in CONTENT_TYPES_BY_EXTENSION.items():
        if filename.endswith(extension):
            return content_type
    return None


class XlsxBook:
    extension, content_type = "xlsx", XLSX_CONTENT_TYPE

    def __init__(self, *, in_memory: bool = False):
        self.workbook = Workbook(in_memory=in_memory)

    def table(self, title: str, *, freeze_columns: int = 0) -> TableSheet:
        return TableSheet(self.workbook, title, freeze_columns=freeze_columns)

    def save(self, target) -> None:
        """Writes the file to `target`, a path or a binary file object."""
        self.workbook.save(target)


class CsvBook:
    def __init__(self, encoding: str):
        self.encoding = encoding
        self._tables: list[tuple[str, object]] = []  # (title, text stream)

    @property
    def extension(self) -> str:
        return "csv" if len(self._tables) == 1 else "zip"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.encoding] if self.extension == "csv" else ZIP_CONTENT_TYPE

    def table(self, title: str, *, freeze_columns: int = 0) -> CsvTable:
        # Open until save() copies it out: the book's tables are written in any order.
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        stream = text_stream(spool, self.encoding)
        self._tables.append((title, stream))
        return CsvTable(stream, normalise=self.encoding == CP932)

    def save(self, target) -> None:
        """Writes the file to `target`, a path or a binary file object."""
        if isinstance(target, str):
            with open(target, "wb") as handle:
                self._save(handle)
        else:
            self._save(target)

    def _save(self, handle) -> None:
        buffers = []
        for title, stream in self._tables:
            stream.flush()
            buffer = stream.detach()
            buffer.seek(0)
            buffers.append((title, buffer))
        if len(buffers) == 1:
            shutil.copyfileobj(buffers[0][1], handle)
            return
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for number, (title, buffer) in enumerate(buffers, start=1):
                with archive.open(f"{number}_{title}.csv", "w") as entry:
                    shutil.copyfileobj(buffer, entry)


def book_for(chosen: str, *, in_memory: bool = False) -> XlsxBook | CsvBook:
    """`in_memory`: the book's rows are aggregates, bounded whatever the number of records (a
    report); an Excel book then stays in memory (xlsx.Workbook), best built inside
    `collector_paused`. CSV tables spool anyway."""
    if chosen == XLSX:
        return XlsxBook(in_memory=in_memory)
    return CsvBook(CSV_ENCODINGS[chosen])


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector paused while a book is built in memory (`in_memory`), and run
    once on the way out. XlsxWriter keeps every cell of such a book (200 k for the national
    roll-up) until the file is saved; the collector, which runs every few hundred new objects,
    walks them again and again: a fifth of the national roll-up's Python time
    (docs/performance.md). Everything made meanwhile is still in the youngest generation, so
    collecting that one alone is enough to free what the build left in cycles: a finished
    workbook, whose sheets refer to themselves, and its cells with it. Drop the book before
    leaving the block, or it is kept until the next collection. The switch is the whole
    process's: for a worker process that runs one job at a time (Celery's prefork pool)."""
    if not gc.isenabled():  # paused by the caller: theirs to resume
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def download_response(book, *, filename: str, fallback: str) -> HttpResponse:
    """The finished `book` as a download named `filename` (without its extension, which the
    format decides), `fallback` the ASCII name for old browsers."""
    buffer = BytesIO()
    book.save(buffer)
    return xlsx_response(buffer.getvalue(), filename=f"{filename}.{book.extension}",
                         fallback=f"{fallback}.{book.extension}",
                         content_type=book.content_type)
