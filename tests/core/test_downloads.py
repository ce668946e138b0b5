"""The one mechanism behind every download: a finished Excel table (widths that fit, a frozen
header, an autofilter, numbers as numbers and dates as dates) and its CSV twin in Shift_JIS
(CP932) or UTF-8 with a BOM, with the same care against formulas."""

import gc
import io
import weakref
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.downloads import (
    FORMATS,
    assert_finished_table,
    csv_rows,
    sheet_rows,
    shown_width,
    workbook,
    zip_tables,
)
from yorozu.core import xlsx
from yorozu.core.downloads import book_for, collector_paused, download_response
from yorozu.core.xlsx import Formatted, TableSheet, Workbook, text_width

HEADER = ["案件ID", "相談者名", "開始日", "満足の割合", "登録日時"]
ROWS = [
    [1, "株式会社よろず製作所", date(2024, 5, 1), Formatted(0.875, "0.0%"),
     datetime(2024, 5, 1, 1, 30, tzinfo=ZoneInfo("UTC"))],
    [22, "=HYPERLINK(\"http://evil.example\")", None, None, None],
]


def _saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _book(chosen: str, rows=ROWS):
    book = book_for(chosen)
    with book.table("案件") as table:
        table.header(HEADER)
        for row in rows:
            table.row(row)
        table.blank()
        table.note(["注記：この注記はとても長い文で、列の幅を決めるときには数えません。" * 3])
    return book


def test_east_asian_characters_count_twice_in_widths():
    assert text_width("ID") == 2
    assert text_width("案件ID") == 6
    assert text_width("ｶﾅ") == 2  # half-width kana are narrow
    assert text_width("一行目\n二行目の方が長い") == 16


def test_an_excel_table_fits_its_columns_freezes_its_header_and_filters_its_rows():
    sheet = workbook(_saved(_book("xlsx"))).worksheets[0]

    assert_finished_table(sheet)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"  # header and two rows; the note is left out
    widths = {letter: shown_width(dim) for letter, dim in sheet.column_dimensions.items()}
    assert widths["B"] == text_width("=HYPERLINK(\"http://evil.example\")") + 2
    assert widths["A"] == xlsx.MIN_WIDTH + 2  # 案件ID: six half-width columns, plus margin
    assert max(widths.values()) < xlsx.MAX_WIDTH  # the long note did not widen column A


def test_excel_cells_keep_their_types():
    sheet = workbook(_saved(_book("xlsx"))).worksheets[0]
    number, name, opened, share, registered = sheet[2]

    assert number.data_type == "n" and number.value == 1
    assert name.data_type == "s"
    assert opened.is_date and opened.value == datetime(2024, 5, 1)
    assert opened.number_format == xlsx.DATE_FORMAT
    assert share.data_type == "n" and share.value == 0.875 and share.number_format == "0.0%"
    # Excel has no time zones: an aware time is written as the time in Japan.
    assert registered.is_date and registered.value == datetime(2024, 5, 1, 10, 30)
    formula = sheet.cell(row=3, column=2)
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")


def test_excel_text_drops_the_control_characters_excel_refuses():
    book = book_for("xlsx")
    with book.table("一覧") as table:
        table.header(["名称", "メモ"])
        table.row(["よろず\x00製作所\x1b", "一行目\n二行目\tタブ"])
    sheet = workbook(_saved(book)).worksheets[0]

    name, memo = sheet[2]
    assert name.value == "よろず製作所" and name.data_type == "s"
    assert memo.value == "一行目\n二行目\tタブ"  # line breaks and tabs are text Excel keeps


def test_lines_above_the_table_move_the_frozen_row_and_the_filter_down():
    book = Workbook()
    with TableSheet(book, "概要") as table:
        table.lines(["拠点", "東京都よろず支援拠点"], ["対象月", "2025年4月"])
        table.blank()
        table.header(["項目", "値"])
        table.row(["相談対応数", 12])
        table.footer(["合計", 12])
    sheet = workbook(xlsx.workbook_bytes(book)).worksheets[0]

    assert_finished_table(sheet, header_at=4, last=5)
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:B5"  # the total below is not sorted with the rows


def test_a_long_table_is_measured_on_its_first_rows_and_written_whole(monkeypatch):
    monkeypatch.setattr(xlsx, "WIDTH_SAMPLE", 3)
    book = Workbook()
    with TableSheet(book, "長い表") as table:
        table.header(["名称"])
        for _n in range(5):
            table.row(["短い名前"])
        table.row(["後から来るとても長い名前の事業者"])
    sheet = workbook(xlsx.workbook_bytes(book)).worksheets[0]

    assert len(sheet_rows(sheet)) == 7 and sheet.auto_filter.ref == "A1:A7"
    assert shown_width(sheet.column_dimensions["A"]) == text_width("短い名前") + 2


@pytest.mark.parametrize("chosen", ["csv-cp932", "csv-utf8"])
def test_a_csv_table_has_the_same_rows_as_text_excel_reads(chosen):
    content = _saved(_book(chosen))

    header, first, second, blank, note = csv_rows(content, chosen)
    assert header == HEADER
    assert first == ["1", "株式会社よろず製作所", "2024-05-01", "87.5%", "2024-05-01 10:30"]
    # OWASP's rule for CSV: a cell that would start a formula starts with an apostrophe.
    assert second == ["22", "'=HYPERLINK(\"http://evil.example\")", "", "", ""]
    assert blank == [] and note[0].startswith("注記")


@pytest.mark.parametrize("text", ["=1+2", "+81 3", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised_in_csv(text):
    book = book_for("csv-utf8")
    with book.table("t") as table:
        table.row([text, -2])
    (row,) = csv_rows(_saved(book), "csv-utf8")
    assert row == ["'" + text, "-2"]  # a negative number stays a number


def test_shift_jis_writes_what_it_cannot_hold_as_geta_marks_and_utf8_keeps_it():
    text = "🍣寿司屋「𠮷野家」〜ｶﾅ−１㈱髙橋が\u200d"  # ends with a joiner; が decomposed below
    decomposed = text.replace("が", "か\u3099")

    def written(chosen):
        book = book_for(chosen)
        with book.table("t") as table:
            table.row([decomposed])
        return csv_rows(_saved(book), chosen)[0][0]

    # 〜 and − have Shift_JIS look-alikes; ㈱ and 髙 are in CP932; emoji and 𠮷 are not.
    assert written("csv-cp932") == "〓寿司屋「〓野家」～ｶﾅ－１㈱髙橋が"
    assert written("csv-utf8") == decomposed


def test_a_csv_book_of_several_sheets_is_a_zip_of_csv_files_in_sheet_order():
    book = book_for("csv-cp932")
    with book.table("拠点別") as first, book.table("明細") as second:
        second.header(["明細"])
        first.header(["拠点"])
    response = download_response(book, filename="全国集計", fallback="national")

    assert response["Content-Type"] == "application/zip"
    assert "national.zip" in response["Content-Disposition"]
    tables = zip_tables(response.content, "csv-cp932")
    assert list(tables) == ["1_拠点別.csv", "2_明細.csv"]
    assert tables["1_拠点別.csv"] == [["拠点"]]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert all(info.flag_bits & 0x800 for info in archive.infolist())  # UTF-8 names


@pytest.mark.parametrize("chosen", FORMATS)
def test_a_single_table_downloads_as_one_file_named_for_its_format(chosen):
    response = download_response(_book(chosen), filename="案件一覧", fallback="cases")

    extension = "xlsx" if chosen == "xlsx" else "csv"
    assert f'filename="cases.{extension}"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    if chosen == "csv-cp932":
        assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    elif chosen == "csv-utf8":
        assert response["Content-Type"] == "text/csv; charset=utf-8"


class _Node:
    """An object that can refer to itself."""


def test_the_collector_is_paused_while_a_book_is_built_and_frees_what_it_left_in_cycles():
    with collector_paused():
        assert not gc.isenabled()
        node = _Node()
        node.me = node  # as XlsxWriter's sheets do: only the collector frees it
        left = weakref.ref(node)
        del node
        assert left() is not None
    assert gc.isenabled()
    assert left() is None


def test_the_collector_runs_again_after_a_failed_build_and_stays_off_if_it_was_off():
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the report failed")
    assert gc.isenabled()

    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # the caller paused it: theirs to resume
    finally:
        gc.enable()
