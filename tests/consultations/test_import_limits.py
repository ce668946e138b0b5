"""Hostile or broken import files: each ends in a clear message on the import page, quickly,
never in a server error or a worker kept busy for a minute."""

import io
import time
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl.utils import get_column_letter

from consultations import imports
from consultations.imports import reading
from consultations.models import Client, ImportBatch, Session
from tests.consultations.test_import import HEADERS, _csv, _post, _row

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _sheet(rows: list[tuple[int, list]], *, dimension: str, tail: str = "") -> str:
    """A worksheet's XML with inline strings: rows as (row number, values)."""
    parts = [f'<worksheet xmlns="{_MAIN}"><dimension ref="{dimension}"/><sheetData>']
    for number, values in rows:
        cells = "".join(f'<c r="{get_column_letter(i)}{number}" t="inlineStr"><is><t>'
                        f"{escape(str(v))}</t></is></c>" for i, v in enumerate(values, 1))
        parts.append(f'<row r="{number}">{cells}</row>')
    return "".join(parts) + (tail or "</sheetData></worksheet>")


def _workbook(sheet_xml: str) -> bytes:
    """The smallest .xlsx openpyxl opens: a hand-made one, since openpyxl itself would write a
    truthful dimension and well-formed XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets><sheet name="Sheet1" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def _values(coordinator) -> list:
    row = _row(coordinator)
    return [row[h] for h in HEADERS]


def _read(content: bytes, name: str = "sessions.xlsx"):
    return imports.read_upload(SimpleUploadedFile(name, content))


# --- Sizes the file claims ------------------------------------------------------------------------
def test_a_sheet_claiming_20000_rows_of_16384_columns_is_refused_within_seconds(client, cast):
    # 1.7 KB: the header, and one row at the far end of the claimed size.
    content = _workbook(_sheet([(1, HEADERS), (20_000, _values(cast.coordinator))],
                               dimension="A1:XFD20000"))
    assert len(content) < 3_000
    client.force_login(cast.coordinator)

    started = time.monotonic()
    response = _post(client, content, name="hostile.xlsx")
    elapsed = time.monotonic() - started

    assert elapsed < 3, elapsed
    assert response.status_code == 200
    assert f"{reading.MAX_BLANK_ROWS:,}" in _file_error(response)
    assert Session.objects.count() == 0
    with translation.override("en"), pytest.raises(imports.ImportFileError,
                                                   match="more than 10,000 empty rows"):
        _read(content)


def _file_error(response) -> str:
    return " ".join(response.context["form"].errors.get("file", []))


def test_blank_rows_count_towards_a_limit_with_a_message_saying_what_to_do(cast, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BLANK_ROWS", 3)
    content = _csv([_row(cast.coordinator)]) + b"\r\n" * 4

    with translation.override("en"), pytest.raises(imports.ImportFileError,
                                                   match="more than 3 empty rows"):
        _read(content, "sessions.csv")
    # Up to the limit, blank rows are skipped as before.
    assert len(_read(_csv([_row(cast.coordinator)]) + b"\r\n" * 3, "sessions.csv").rows) == 1


def test_rows_are_numbered_as_in_the_file_when_blank_rows_precede_the_header(cast):
    content = b"\r\n,,\r\n" + _csv([_row(cast.coordinator)] * 2, encoding="utf-8")

    assert [r.number for r in _read(content, "s.csv").rows] == [4, 5]


def test_only_the_first_columns_of_a_row_are_read_whatever_the_sheet_claims(cast):
    values = _values(cast.coordinator)
    content = _workbook(_sheet([(1, HEADERS), (2, values)], dimension="A1:XFD2"))

    upload = _read(content)

    assert [r.number for r in upload.rows] == [2]
    assert len(upload.rows[0].raw) <= reading.MAX_COLUMNS
    assert upload.rows[0].raw[:len(values)] == values


def test_a_csv_row_wider_than_the_column_limit_is_cut_to_it(cast):
    content = _csv([_row(cast.coordinator)]).rstrip(b"\r\n") + b"," * 100_000 + b"\r\n"

    upload = _read(content, "wide.csv")

    assert len(upload.rows[0].raw) == reading.MAX_COLUMNS


def test_a_sheet_claiming_fewer_rows_than_it_has_is_read_to_the_end(cast):
    rows = [(1, HEADERS)] + [(n, _values(cast.coordinator)) for n in range(2, 6)]

    upload = _read(_workbook(_sheet(rows, dimension="A1:Q2")))

    assert [r.number for r in upload.rows] == [2, 3, 4, 5]


@pytest.mark.parametrize("name", ["slow.csv", "slow.xlsx"])
def test_reading_stops_with_a_message_when_it_takes_too_long(cast, monkeypatch, name):
    monkeypatch.setattr(reading, "MAX_READ_SECONDS", 0)
    rows = [(1, HEADERS)] + [(n, _values(cast.coordinator)) for n in range(2, 5)]
    content = (_csv([_row(cast.coordinator)] * 3) if name.endswith(".csv")
               else _workbook(_sheet(rows, dimension="A1:Q4")))

    with translation.override("en"), pytest.raises(imports.ImportFileError,
                                                   match="took too long"):
        _read(content, name)


# --- Broken files ---------------------------------------------------------------------------------
def test_an_xlsx_whose_xml_breaks_after_row_300_is_refused_with_a_message(client, cast):
    rows = [(1, HEADERS)] + [(n, _values(cast.coordinator)) for n in range(2, 302)]
    broken = _sheet(rows, dimension="A1:Q400", tail='<row r="302"><c r="A302" t="inlineStr">'
                    "<is><t>2024/05/10</t></c></sheetData></worksheet>")
    client.force_login(cast.coordinator)

    response = _post(client, _workbook(broken), name="broken.xlsx")

    assert response.status_code == 200
    assert "Excel" in _file_error(response)
    assert Session.objects.count() == 0


@pytest.mark.parametrize("valid_only", [False, True])
def test_a_nul_character_in_a_csv_value_is_dropped_not_a_server_error(client, cast, valid_only):
    c = cast.coordinator
    rows = [_row(c, {"相談者名": "株式会社\x00よろず", "相談内容": "販路\x00の相談。"})]
    if valid_only:
        rows.append(_row(c, {"相談方法": "手紙\x00", "相談内容": "\x00"}))
    client.force_login(c)

    response = _post(client, _csv(rows), valid_only=valid_only)

    assert response.status_code == 302, response.status_code
    assert Client.objects.get(hub=cast.hub).name == "株式会社よろず"
    assert Session.objects.get().summary == "販路の相談。"
    batch = ImportBatch.objects.get()
    assert batch.rejected == (1 if valid_only else 0)
    if valid_only:
        download = client.get(reverse("consultations:import_rejected", args=[batch.pk]))
        assert download.status_code == 200
