"""CSV files for every app's downloads, in the encoding the user chose:

- UTF-8 with a byte-order mark ("utf-8-sig"), which Excel recognises and which keeps every
  character;
- CP932 (Shift_JIS as Windows and Japanese Excel read it), which Excel opens by default.
  CP932 cannot hold every character. Look-alikes that other Shift_JIS variants map
  differently (〜 − ‖ ¢ £ ¬ —) are written as CP932's own; a character with a compatible
  form CP932 holds is written in that form; invisible joiners and variation selectors are
  dropped; anything else (emoji, rare kanji such as 𠮷) becomes 〓, the Japanese mark for a
  character that could not be printed. The download links say so.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) gets a leading apostrophe, as OWASP recommends for CSV injection. Numbers are written
as numbers, dates as 2026-12-01 (which Excel reads as a date)."""

import codecs
import csv
import io
import unicodedata
from datetime import date, datetime

from .xlsx import MONTH_FORMAT, Formatted, local_datetime

UTF8, CP932 = "utf-8", "cp932"
ENCODINGS = {UTF8: "utf-8-sig", CP932: "cp932"}
CONTENT_TYPES = {UTF8: "text/csv; charset=utf-8", CP932: "text/csv; charset=Shift_JIS"}
REPLACEMENT = "〓"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters whose usual code point CP932 lacks, though it holds a character that looks the
# same (text from Macs and other Shift_JIS variants has these).
CP932_LOOKALIKES = str.maketrans({
    "\u301c": "\uff5e",  # 〜 wave dash -> ～
    "\u2212": "\uff0d",  # − minus -> －
    "\u2016": "\u2225",  # ‖ -> ∥
    "\u00a2": "\uffe0", "\u00a3": "\uffe1", "\u00ac": "\uffe2",  # ¢ £ ¬ -> full width
    "\u2014": "\u2015",  # — em dash -> ―
    "\u00a6": "\uffe4",  # ¦ -> ￤
})
CP932_ERRORS = "yorozu-cp932"


def _fits_cp932(text: str) -> bool:
    try:
        text.encode(CP932)
    except UnicodeEncodeError:
        return False
    return True


def _cp932_substitute(char: str) -> str:
    looks_like = char.translate(CP932_LOOKALIKES)
    if looks_like != char:
        return looks_like
    compatible = unicodedata.normalize("NFKC", char)
    if compatible != char and _fits_cp932(compatible):
        return compatible
    if unicodedata.category(char) in ("Mn", "Cf"):  # joiners, variation selectors
        return ""
    return REPLACEMENT


def _cp932_errors(error: UnicodeEncodeError):
    bad = error.object[error.start:error.end]
    return "".join(_cp932_substitute(char) for char in bad), error.end


codecs.register_error(CP932_ERRORS, _cp932_errors)


def csv_text(value) -> str:
    """The text of one CSV field."""
    if value is None:
        return ""
    if isinstance(value, Formatted):
        if value.value is not None and "%" in value.number_format:
            return f"{value.value * 100:.1f}%"
        if isinstance(value.value, date) and value.number_format == MONTH_FORMAT:
            return f"{value.value:%Y-%m}"
        return csv_text(value.value)
    if isinstance(value, datetime):
        return f"{local_datetime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def text_stream(binary, encoding: str) -> io.TextIOWrapper:
    """A text stream over `binary` in the chosen encoding (UTF8 or CP932)."""
    errors = CP932_ERRORS if encoding == CP932 else "strict"
    return io.TextIOWrapper(binary, encoding=ENCODINGS[encoding], errors=errors, newline="",
                            write_through=True)


class CsvTable:
    """The CSV twin of xlsx.TableSheet: the same calls write the same rows as CSV lines."""

    def __init__(self, stream: io.TextIOWrapper, *, normalise: bool = False):
        self._writer = csv.writer(stream, lineterminator="\r\n")
        # CP932 holds composed kana (が) but not a kana followed by a combining mark.
        self._normalise = normalise

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self, values: list) -> None:
        texts = [csv_text(value) for value in values]
        if self._normalise:
            texts = [unicodedata.normalize("NFC", text) for text in texts]
        self._writer.writerow(texts)

    def lines(self, *rows: list) -> None:
        for values in rows:
            self._write(values)

    def header(self, values: list) -> None:
        self._write(values)

    def row(self, values: list) -> None:
        self._write(values)

    def footer(self, values: list) -> None:
        self._write(values)

    def note(self, values: list) -> None:
        self._write(values)

    def blank(self) -> None:
        self._write([])

    def close(self) -> None:
        pass
