"""Properties that hold for every input, checked on generated ones (hypothesis): the import
parser, the corporate-number check digit, fiscal-year arithmetic and the text cleaner. Example
counts are modest so that the suite stays fast; none of these touches the database."""

import csv
import io
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from consultations import imports
from consultations.imports.checking import _RowError, parse_date, parse_minutes
from consultations.validators import (
    EARLIEST_DATE,
    MAX_MINUTES,
    MIN_MINUTES,
    clean_text,
    corporate_number_check_digit,
    normalize_digits,
    validate_corporate_number,
)
from tests.consultations.test_import import HEADERS
from tests.consultations.test_import_limits import _sheet, _workbook
from yorozu.core import fiscal

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on broken files

fast = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
INVISIBLE = ("\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\x85\x9f\u061c\u200b\u200c\u200d\u200e"
             "\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")
# Text as coordinators type it, and what a hostile file or form could add to it.
typed = st.text(alphabet=st.sampled_from(
    list("株式会社よろず製作所ヨロズｶﾞか\u3099ABCabc0123０１２-ー（）() ,\"'") + ["\t", "\n", "\r"]
    + list(INVISIBLE)), max_size=30)


# --- Text cleaner ---------------------------------------------------------------------------------
@fast
@given(st.text(max_size=50) | typed)
@example("か\u200b\u3099")  # removing the space joins the mark to its letter: NFC after that
def test_clean_text_leaves_no_invisible_character_is_nfc_and_is_idempotent(value):
    cleaned = clean_text(value)
    assert not set(cleaned) & set(INVISIBLE + "\r")
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned


@fast
@given(st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"],
                                      exclude_characters=INVISIBLE) | st.sampled_from("\t\n"),
               max_size=50))
def test_clean_text_keeps_visible_nfc_text_as_it_is(value):
    value = unicodedata.normalize("NFC", value)
    assert clean_text(value) == value


# --- Corporate number -----------------------------------------------------------------------------
bases = st.text(alphabet="0123456789", min_size=12, max_size=12)


def _number(base: str) -> str:
    return f"{corporate_number_check_digit(base)}{base}"


@fast
@given(bases)
def test_every_base_with_its_check_digit_is_a_valid_corporate_number(base):
    assert 1 <= corporate_number_check_digit(base) <= 9
    validate_corporate_number(_number(base))
    full_width = _number(base).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert normalize_digits(full_width) == _number(base)


@fast
@given(bases, st.integers(0, 11), st.integers(1, 8))
def test_a_single_mistyped_digit_is_caught_unless_it_swaps_0_and_9(base, position, shift):
    digit = str((int(base[position]) + shift) % 10)
    assume({digit, base[position]} != {"0", "9"})  # weights 1 and 2 times 9 vanish mod 9
    wrong = f"{base[:position]}{digit}{base[position + 1:]}"
    with pytest.raises(ValidationError) as refused:
        validate_corporate_number(f"{corporate_number_check_digit(base)}{wrong}")
    assert refused.value.code == "check_digit"


@fast
@given(bases, st.integers(0, 10))
def test_swapping_two_neighbouring_digits_is_caught_when_they_differ_by_less_than_9(
        base, position):
    a, b = base[position], base[position + 1]
    assume(abs(int(a) - int(b)) not in (0, 9))
    swapped = f"{base[:position]}{b}{a}{base[position + 2:]}"
    assert corporate_number_check_digit(swapped) != corporate_number_check_digit(base)


# --- Fiscal years ---------------------------------------------------------------------------------
days = st.dates(min_value=EARLIEST_DATE, max_value=date(2100, 12, 31))
years = st.integers(EARLIEST_DATE.year, 2100)


@fast
@given(days)
def test_every_day_lies_within_its_fiscal_year(day):
    year = fiscal.fiscal_year_of(day)
    assert fiscal.fiscal_year_start(year) <= day <= fiscal.fiscal_year_end(year)


@fast
@given(years)
def test_fiscal_years_follow_each_other_without_gap_or_overlap(year):
    end = fiscal.fiscal_year_end(year)
    assert end + timedelta(days=1) == fiscal.fiscal_year_start(year + 1)
    assert (end - fiscal.fiscal_year_start(year)).days + 1 in (365, 366)
    assert fiscal.fiscal_year_of(fiscal.fiscal_year_start(year)) == year
    assert fiscal.fiscal_year_of(end) == year


@fast
@given(st.datetimes(min_value=datetime(2014, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC)))
def test_the_tokyo_date_is_the_utc_time_nine_hours_on(moment):
    # Japan has kept UTC+9 without summer time since 1951.
    assert fiscal.tokyo_date(moment) == (moment + timedelta(hours=9)).date()


@fast
@given(years)
def test_the_era_label_counts_reiwa_from_2019_and_heisei_before(year):
    label = fiscal.era_label(year)
    era, number = ("令和", year - 2018) if year >= 2019 else ("平成", year - 1988)
    assert label == f"{era}{'元' if number == 1 else number}年度"
    with translation.override("ja"):
        assert fiscal.fiscal_year_label(year) == f"{year}年度（{label}）"
    with translation.override("en"):
        assert fiscal.fiscal_year_label(year) == f"FY{year}"


# --- Import parser --------------------------------------------------------------------------------
def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@fast
@given(st.lists(st.lists(typed, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1,
                max_size=8))
def test_a_csv_reads_back_row_by_row_with_its_text_cleaned(rows):
    expected = [(number, [clean_text(v) for v in row])
                for number, row in enumerate(rows, start=2)
                if not all(not clean_text(v).strip() for v in row)]
    try:
        upload = imports.read_upload(SimpleUploadedFile("s.csv", _csv_bytes(rows)))
    except imports.ImportFileError:
        assert not expected  # only a file without data rows is refused
        return
    assert [(r.number, r.raw) for r in upload.rows] == expected
    assert all(r.values["相談日"] == r.raw[0] for r in upload.rows)


@fast
@given(st.binary(max_size=300), st.sampled_from(["f.csv", "f.xlsx", "f"]))
def test_any_bytes_are_read_or_refused_with_a_message(content, name):
    try:
        imports.read_upload(SimpleUploadedFile(name, content))
    except imports.ImportFileError as exc:
        assert exc.message


@fast
@given(st.integers(0, 4_000), st.text(max_size=40))
def test_a_workbook_broken_anywhere_is_read_or_refused_with_a_message(cut, junk):
    rows = [(1, HEADERS)] + [(n, ["2024/05/10"] + ["x"] * 16) for n in range(2, 12)]
    xml = _sheet(rows, dimension="A1:Q11")
    try:
        imports.read_upload(SimpleUploadedFile("b.xlsx", _workbook(xml[:cut] + junk)))
    except imports.ImportFileError as exc:
        assert exc.message


@fast
@given(st.integers(MIN_MINUTES, MAX_MINUTES), st.booleans())
def test_minutes_in_range_are_read_in_either_width(minutes, full_width):
    text = str(minutes)
    if full_width:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_minutes(text) == minutes


@fast
@given(st.text(max_size=12) | st.integers().map(str))
@example("9" * 5_000)  # int() refuses strings this long with a ValueError, not our message
@example("0")
@example("601")
def test_any_minutes_cell_is_a_whole_number_in_range_or_a_row_error(text):
    try:
        minutes = parse_minutes(text)
    except _RowError:
        return
    assert MIN_MINUTES <= minutes <= MAX_MINUTES


@fast
@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(["%Y/%m/%d", "%Y-%m-%d",
                                                             "%Y.%m.%d"]), st.booleans())
def test_a_date_written_as_the_format_says_reads_back(day, pattern, full_width):
    text = day.strftime(pattern)
    if full_width:
        text = text.translate(str.maketrans("0123456789/-.", "０１２３４５６７８９／－．"))
    assert parse_date(text) == day


@fast
@given(st.text(max_size=20))
def test_any_date_cell_is_a_date_or_a_row_error(text):
    try:
        day = parse_date(text)
    except _RowError:
        return
    assert isinstance(day, date)
