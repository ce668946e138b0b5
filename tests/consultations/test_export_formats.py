"""The consultation lists' downloads in every format: the case list (with its filters) and
the open referrals of the follow-up page, as Excel with fitting widths, a frozen header, a
filter and typed cells, and as CSV in Shift_JIS and in UTF-8 with the same header and rows.
Each download is one logged read of personal data, saying its format."""

from datetime import date

import pytest
from django.urls import reverse

from consultations.exports import CASE_HEADERS, REFERRAL_HEADERS
from consultations.models import Case, PersonalDataRead, Referral
from tests.consultations.factories import CaseFactory, ClientFactory, ReferralFactory
from tests.downloads import FORMATS, assert_finished_table, csv_rows, sheet_rows, workbook
from tests.hubs.factories import AgencyFactory


@pytest.fixture
def cases(cast):
    CaseFactory(hub=cast.hub, lead=cast.coordinator, opened_on=date(2024, 5, 1),
                client=ClientFactory(hub=cast.hub, name="株式会社よろず製作所🍣",
                                     name_kana="ヨロズセイサクショ"))
    CaseFactory(hub=cast.hub, lead=cast.chief, status=Case.Status.RESOLVED,
                opened_on=date(2024, 4, 1), closed_on=date(2024, 9, 30),
                client=ClientFactory(hub=cast.hub, name="-1+1 合同会社"))
    CaseFactory(hub=cast.other_hub, lead=cast.outsider,
                client=ClientFactory(hub=cast.other_hub, name="他の拠点の相談者"))


def _download(client, user, name, chosen, jis_code="13", **query):
    client.force_login(user)
    response = client.get(reverse(name, args=[jis_code]), {"format": chosen, **query})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return response


def test_the_case_list_in_excel_is_a_finished_table_with_typed_cells(client, cast, cases):
    response = _download(client, cast.coordinator, "consultations:case_list", "xlsx")

    sheet = workbook(response.content).worksheets[0]
    assert_finished_table(sheet)
    assert sheet.auto_filter.ref == "A1:M3"
    header, *rows = sheet_rows(sheet)
    assert header == CASE_HEADERS
    by_name = {row[1]: dict(zip(CASE_HEADERS, row, strict=True)) for row in rows}
    first = by_name["株式会社よろず製作所🍣"]
    assert isinstance(first["案件ID"], int) and first["相談回数"] == 0
    assert first["開始日"].date() == date(2024, 5, 1)
    assert sheet.cell(row=2, column=9).is_date and sheet.cell(row=2, column=1).data_type == "n"
    # 相談者名（カナ）is wider than its header: the column fits the header.
    assert sheet.column_dimensions["C"].width >= len("相談者名（カナ）") * 2


@pytest.mark.parametrize("chosen", ["csv-cp932", "csv-utf8"])
def test_the_case_list_in_csv_has_the_japanese_header_and_one_row_per_case(
        client, cast, cases, chosen):
    response = _download(client, cast.coordinator, "consultations:case_list", chosen)

    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert '.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(response.content, chosen)
    assert header == CASE_HEADERS
    assert len(rows) == 2  # the other hub's case is not there
    names = {row[1] for row in rows}
    sushi = "〓" if chosen == "csv-cp932" else "🍣"
    assert names == {f"株式会社よろず製作所{sushi}", "'-1+1 合同会社"}
    opened = {row[1]: row[8] for row in rows}
    assert opened[f"株式会社よろず製作所{sushi}"] == "2024-05-01"


@pytest.mark.parametrize("chosen", FORMATS)
def test_a_download_has_the_lists_filters_and_is_logged_with_its_format(
        client, cast, cases, chosen):
    response = _download(client, cast.chief, "consultations:case_list", chosen,
                         status="resolved")

    if chosen == "xlsx":
        rows = sheet_rows(workbook(response.content).worksheets[0])
    else:
        rows = csv_rows(response.content, chosen)
    assert len(rows) == 2 and rows[1][1].endswith("合同会社")
    read = PersonalDataRead.objects.get(user=cast.chief)
    assert (read.what, read.rows) == ("case_export", 1)
    assert f"format={chosen}" in read.detail and "status=resolved" in read.detail


@pytest.fixture
def referrals(cast):
    agency = AgencyFactory(hub=cast.hub, name="東京商工会議所")
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator,
                       client=ClientFactory(hub=cast.hub, name="株式会社よろず製作所"))
    ReferralFactory(hub=cast.hub, case=case, agency=agency, follow_up_due=date(2025, 6, 30))
    ReferralFactory(hub=cast.hub, case=case, agency=agency, status=Referral.Status.CLOSED)
    ReferralFactory(hub=cast.other_hub, agency=AgencyFactory(hub=cast.other_hub),
                    case__lead=cast.outsider)
    return case


def test_the_open_referrals_in_excel_are_a_finished_table(client, cast, referrals):
    response = _download(client, cast.coordinator, "consultations:followups", "xlsx")

    sheet = workbook(response.content).worksheets[0]
    assert_finished_table(sheet)
    header, *rows = sheet_rows(sheet)
    assert header == REFERRAL_HEADERS
    assert len(rows) == 1  # closed referrals and the other hub's are not followed up
    due, name, agency, kind, status, lead, case_id, registered = rows[0]
    assert due.date() == date(2025, 6, 30) and sheet.cell(row=2, column=1).is_date
    assert (name, agency, kind, status) == ("株式会社よろず製作所", "東京商工会議所", "紹介",
                                            "送付済み")
    assert lead == cast.coordinator.get_full_name() and case_id == referrals.pk
    assert sheet.cell(row=2, column=7).data_type == "n" and registered.year >= 2025


@pytest.mark.parametrize("chosen", ["csv-cp932", "csv-utf8"])
def test_the_open_referrals_in_csv_are_logged_as_a_read(client, cast, referrals, chosen):
    response = _download(client, cast.impl_org, "consultations:followups", chosen)

    header, *rows = csv_rows(response.content, chosen)
    assert header == REFERRAL_HEADERS
    assert [row[:3] for row in rows] == [["2025-06-30", "株式会社よろず製作所", "東京商工会議所"]]
    read = PersonalDataRead.objects.get(user=cast.impl_org)
    assert (read.hub, read.what, read.rows) == (cast.hub, "referral_export", 1)


def test_the_follow_up_and_case_pages_link_their_downloads(client, cast, referrals):
    client.force_login(cast.coordinator)
    for name in ("consultations:followups", "consultations:case_list"):
        page = client.get(reverse(name, args=["13"]), {"status": "open"}).content.decode()
        for chosen in FORMATS:
            assert f"format={chosen}" in page
    assert "status=open&amp;format=csv-cp932" in page  # the case list keeps its filters
