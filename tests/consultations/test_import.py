"""Import of historical sessions from CSV and Excel: all or nothing by default, errors shown by
row and column, clients matched within the hub, and the rejected rows kept for download."""

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from consultations import imports, services
from consultations.imports import reading
from consultations.models import Case, Client, ImportBatch, PersonalDataRead, Session
from tests.consultations.factories import ClientFactory
from tests.consultations.test_summaries import assert_all_kept, depths_kept
from tests.consultations.test_summaries import cases_kept as case_figures_kept
from tests.consultations.test_tallies import (
    cases_kept,
    cases_recounted,
    clients_kept,
    clients_recounted,
    topics_kept,
    topics_recounted,
)
from tests.consultations.test_tallies import kept as tallies_kept
from tests.consultations.test_tallies import recounted as tallies_recounted
from tests.downloads import assert_finished_table
from yorozu.core import fiscal

KNOWN_NUMBER = "7000012050002"  # the National Tax Agency's own corporate number
OTHER_NUMBER = "7123456789012"  # check digit computed with corporate_number_check_digit
BAD_NUMBER = "8000012050002"  # KNOWN_NUMBER with a wrong check digit

HEADERS = ["相談日", "開始時刻", "対応時間（分）", "相談方法", "相談者名", "相談者名（カナ）",
           "事業形態", "法人番号", "電話番号", "担当コーディネーター", "相談分野", "支援の深さ",
           "相談内容", "提案内容", "次のステップ", "次のステップ期限", "案件キー"]


def _row(coordinator, values: dict | None = None) -> dict:
    row = {"相談日": "2024/05/10", "開始時刻": "10:00", "対応時間（分）": "60",
           "相談方法": "来訪", "相談者名": "株式会社よろず製作所",
           "相談者名（カナ）": "ヨロズセイサクショ",
           "事業形態": "法人", "法人番号": "", "電話番号": "03-1111-2222",
           "担当コーディネーター": coordinator.email, "相談分野": "売上拡大",
           "支援の深さ": "専門的な提案", "相談内容": "販路開拓の相談。", "提案内容": "",
           "次のステップ": "", "次のステップ期限": "", "案件キー": ""}
    row.update(values or {})
    return row


def _csv(rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([row.get(h, "") for h in HEADERS])
    return out.getvalue().encode(encoding)


def _xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _post(client, content: bytes, name="sessions.csv", valid_only=False, jis_code="13"):
    data = {"file": SimpleUploadedFile(name, content)}
    if valid_only:
        data["valid_only"] = "on"
    return client.post(reverse("consultations:session_import", args=[jis_code]), data)


def _counts():
    return Client.objects.count(), Case.objects.count(), Session.objects.count()


def _error_cell(row: int, column: str) -> str:
    return f'<th scope="row" class="text-end">{row}</th><td>{column}</td>'


# --- All or nothing ----------------------------------------------------------------------------
def test_a_file_with_errors_imports_nothing_and_lists_each_bad_row_and_column(client, cast):
    c = cast.coordinator
    tomorrow = (fiscal.today() + timedelta(days=1)).strftime("%Y/%m/%d")
    rows = [
        _row(c),  # row 2: fine
        _row(c, {"法人番号": BAD_NUMBER}),  # row 3
        _row(c, {"相談日": tomorrow}),  # row 4
        _row(c, {"相談分野": "売上拡大／宇宙開発"}),  # row 5
        _row(c, {"担当コーディネーター": "nobody@example.jp"}),  # row 6
        _row(c, {"相談内容": ""}),  # row 7
        _row(c),  # row 8: fine
    ]
    before = _counts()
    client.force_login(c)

    response = _post(client, _csv(rows))

    body = response.content.decode()
    assert response.status_code == 200
    assert _counts() == before
    assert not ImportBatch.objects.exists()
    for row, column in [(3, "法人番号"), (4, "相談日"), (5, "相談分野"),
                        (6, "担当コーディネーター"), (7, "相談内容")]:
        assert _error_cell(row, column) in body, (row, column)
    assert _error_cell(2, "相談日") not in body and "<th scope=\"row\" class=\"text-end\">8" \
        not in body
    assert "宇宙開発" in body and "nobody@example.jp" in body


def test_the_checkbox_state_is_kept_when_nothing_can_be_imported(client, cast):
    client.force_login(cast.coordinator)
    response = _post(client, _csv([_row(cast.coordinator, {"相談方法": "手紙"})]), valid_only=True)

    body = response.content.decode()
    assert response.status_code == 200 and Session.objects.count() == 0
    checkbox = re.search(r'<input[^>]*name="valid_only"[^>]*>', body)[0]
    assert "checked" in checkbox
    assert _error_cell(2, "相談方法") in body


def test_a_file_without_a_required_column_is_refused_with_the_column_named(client, cast):
    client.force_login(cast.coordinator)
    headers = [h for h in HEADERS if h != "相談内容"]
    response = _post(client, _xlsx([_row(cast.coordinator)], headers=headers), name="a.xlsx")

    assert response.status_code == 200 and Session.objects.count() == 0
    assert "相談内容" in response.context["form"].errors["file"][0]


def test_files_over_the_row_or_size_limit_are_refused(client, cast, monkeypatch):
    client.force_login(cast.coordinator)
    # Patched where read_upload looks them up.
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    content = _csv([_row(cast.coordinator)] * 3)
    assert _post(client, content).context["form"].errors["file"]
    with translation.override("en"):
        with pytest.raises(imports.ImportFileError, match="more than 2 data rows"):
            imports.read_upload(SimpleUploadedFile("long.csv", content))
        monkeypatch.setattr(reading, "MAX_BYTES", 100)
        with pytest.raises(imports.ImportFileError, match="larger than 5 MB"):
            imports.read_upload(SimpleUploadedFile("big.csv", content))
    assert Session.objects.count() == 0 and not ImportBatch.objects.exists()


# --- Valid files -------------------------------------------------------------------------------
def test_a_utf8_csv_with_bom_imports_and_matches_an_existing_client_by_corporate_number(
        client, cast):
    c = cast.coordinator
    existing = ClientFactory(hub=cast.hub, name="株式会社既存", corporate_number=KNOWN_NUMBER)
    ClientFactory(hub=cast.other_hub, name="他拠点の同番号", corporate_number=OTHER_NUMBER)
    rows = [
        _row(c, {"相談日": "2024-06-01", "相談者名": "既存（表記ゆれ）",
                 "法人番号": KNOWN_NUMBER, "案件キー": "K1", "相談分野": "売上拡大",
                 "次のステップ": "見積書の作成", "次のステップ期限": "2024-06-20"}),
        _row(c, {"相談日": "2024/05/01", "開始時刻": "9:30", "相談者名": "既存",
                 "法人番号": KNOWN_NUMBER, "案件キー": "K1",
                 "相談分野": "IT・DX;資金繰り・金融", "相談方法": "オンライン",
                 "支援の深さ": "施策の紹介"}),
        _row(c, {"相談者名": "株式会社新規", "法人番号": OTHER_NUMBER, "電話番号": "",
                 "相談方法": "電話", "対応時間（分）": "30"}),
    ]
    before = _counts()
    client.force_login(c)

    response = _post(client, _csv(rows))

    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"].endswith(f"?batch={batch.pk}")
    assert (batch.hub, batch.created_by, batch.imported, batch.rejected) == (
        cast.hub, c, 3, 0)
    assert _counts() == (before[0] + 1, before[1] + 2, before[2] + 3)
    case = Case.objects.get(client=existing)
    assert case.opened_on == date(2024, 5, 1) and case.lead == c and case.status == "open"
    assert case.depth == "policy"  # from the case's first session
    assert {t.code for t in case.topics.all()} == {"sales", "it_dx", "finance"}
    first, second = case.sessions.order_by("held_on")
    assert (first.channel, first.start_time, list(first.coordinators.all())) == (
        "online", time(9, 30), [c])
    assert (second.next_step, second.next_step_due) == ("見積書の作成", date(2024, 6, 20))
    new = Client.objects.get(hub=cast.hub, corporate_number=OTHER_NUMBER)
    assert new.name == "株式会社新規" and new.created_by == c
    assert new.cases.get().sessions.get().duration_minutes == 30
    assert Session.history.filter(history_user=c, history_type="+").count() == 3
    assert Case.history.filter(history_user=c, history_type="+").count() == 2
    latest = case.history.order_by("-history_id").first()
    assert {link.topic.code for link in latest.topics.all()} == {"sales", "it_dx", "finance"}
    assert [link.user for link in first.history.order_by("-history_id").first()
            .coordinators.all()] == [c]
    page = client.get(response["Location"]).content.decode()
    assert "sessions.csv" in page


def test_a_shift_jis_csv_creates_a_client_named_twice_in_the_file_only_once(client, cast):
    c = cast.coordinator
    rows = [
        _row(c, {"相談者名": "株式会社髙橋製作所", "電話番号": "０３-５５５５-０００１",
                 "相談日": "2024/04/02"}),
        _row(c, {"相談者名": "株式会社髙橋製作所", "電話番号": "03-5555-0001",
                 "相談日": "2024/04/09", "相談方法": "出張", "事業形態": ""}),
    ]
    before = _counts()
    client.force_login(c)

    response = _post(client, _csv(rows, encoding="cp932"))

    assert response.status_code == 302
    assert _counts() == (before[0] + 1, before[1] + 2, before[2] + 2)
    takahashi = Client.objects.get(name="株式会社髙橋製作所")
    assert takahashi.phone == "03-5555-0001" and takahashi.kind == "corporation"
    assert sorted(s.channel for s in Session.objects.filter(case__client=takahashi)) == [
        "outreach", "visit"]


def test_an_excel_workbook_imports_with_date_cells_and_numeric_corporate_numbers(client, cast):
    c = cast.coordinator
    existing = ClientFactory(hub=cast.hub, corporate_number=KNOWN_NUMBER)
    rows = [
        _row(c, {"相談日": datetime(2024, 7, 1), "開始時刻": time(14, 0),
                 "対応時間（分）": 90, "法人番号": int(KNOWN_NUMBER), "相談者名": "既存",
                 "案件キー": "X"}),
        _row(c, {"相談日": datetime(2024, 7, 8), "法人番号": int(KNOWN_NUMBER),
                 "相談者名": "既存", "案件キー": "X", "相談分野": "事業承継",
                 "支援の深さ": "紹介のみ"}),
        # A phone number typed into a number cell loses its leading zero; it is put back.
        _row(c, {"相談者名": "山田 花子", "事業形態": "創業予定", "電話番号": 9012345678,
                 "相談分野": "創業"}),
    ]
    before = _counts()
    client.force_login(c)

    response = _post(client, _xlsx(rows), name="履歴.xlsx")

    assert response.status_code == 302
    assert _counts() == (before[0] + 1, before[1] + 2, before[2] + 3)
    case = Case.objects.get(client=existing)
    assert case.sessions.count() == 2 and case.opened_on == date(2024, 7, 1)
    first = case.sessions.get(held_on=date(2024, 7, 1))
    assert (first.start_time, first.duration_minutes) == (time(14, 0), 90)
    founder = Client.objects.get(name="山田 花子")
    assert (founder.kind, founder.phone) == ("startup", "09012345678")
    assert ImportBatch.objects.get().filename == "履歴.xlsx"


# --- Same records as the services --------------------------------------------------------------
# The import inserts in batches instead of calling the services one record at a time; what it
# saves must be what client_create, case_create and session_create save.
def _as_saved(obj, m2m: str | None = None) -> dict:
    """A record, and its history, without what differs between any two records (key, parent,
    times) and the services' extra "~" history record for setting the many-to-many field."""
    skip = {"id", "client", "case", "created_at", "updated_at"}
    obj = type(obj)._base_manager.get(pk=obj.pk)  # as stored, not as the caller holds it
    names = [f.attname for f in type(obj)._meta.concrete_fields if f.name not in skip]
    history = list(obj.history.order_by("history_id"))
    latest = history[-1]
    saved = {"fields": {n: getattr(obj, n) for n in names},
             "history": {n: getattr(latest, n) for n in names if hasattr(latest, n)},
             "first_change": history[0].history_type,
             "changed_by": {h.history_user for h in history}}
    if m2m:
        target = type(obj)._meta.get_field(m2m).m2m_reverse_field_name()
        saved["m2m"] = set(getattr(obj, m2m).values_list("pk", flat=True))
        saved["history_m2m"] = {getattr(link, f"{target}_id")
                                for link in getattr(latest, m2m).all()}
    return saved


def test_imported_records_are_the_ones_the_services_would_save(cast):
    importer, lead = cast.chief, cast.coordinator
    content = _csv([_row(lead, {"法人番号": OTHER_NUMBER, "相談分野": "売上拡大／IT・DX",
                                "開始時刻": "9:30", "支援の深さ": "施策の紹介",
                                "提案内容": "補助金の紹介", "次のステップ": "申請書の下書き",
                                "次のステップ期限": "2024-05-31"})])
    checked = imports.check(imports.read_upload(SimpleUploadedFile("a.csv", content)),
                            hub=cast.hub)
    assert checked.errors == []
    imports.run(checked, by=importer)
    imported = Session.objects.get()
    data = checked.rows[0].data

    by_services = services.session_create(
        case=services.case_create(
            client=services.client_create(hub=cast.hub, by=importer, data={
                f: data[f] for f in ("name", "name_kana", "kind", "corporate_number",
                                     "phone")}),
            by=importer, lead=data["lead"], topics=data["topics"], depth=data["depth"],
            opened_on=data["held_on"]),
        by=importer, data={f: data[f] for f in services.SESSION_FIELDS},
        coordinators=[data["lead"]])

    assert _as_saved(imported.case.client) == _as_saved(by_services.case.client)
    assert _as_saved(imported.case, "topics") == _as_saved(by_services.case, "topics")
    assert _as_saved(imported, "coordinators") == _as_saved(by_services, "coordinators")
    saved = _as_saved(imported, "coordinators")
    assert saved["changed_by"] == {importer} and saved["fields"]["created_by_id"] == importer.pk
    assert saved["history_m2m"] == {lead.pk} and imported.case.lead == lead
    assert len(_as_saved(imported.case, "topics")["history_m2m"]) == 2


@pytest.mark.parametrize(("key", "value"), [("phone", "12"), ("depth", "deep"), ("summary", "")])
def test_the_models_own_validation_runs_on_every_imported_record(cast, key, value):
    """The rows are checked first; should a check ever let a bad value through, the client's,
    case's or session's full_clean() refuses it and nothing is saved."""
    c = cast.coordinator
    content = _csv([_row(c, {"相談者名": "良い"}), _row(c, {"相談者名": "悪い"})])
    checked = imports.check(imports.read_upload(SimpleUploadedFile("a.csv", content)),
                            hub=cast.hub)
    assert checked.errors == []
    checked.rows[1].data[key] = value
    before = _counts()

    with pytest.raises(ValidationError) as refused:
        imports.run(checked, by=c)

    assert key in refused.value.message_dict
    assert _counts() == before and not ImportBatch.objects.exists()


# --- Valid rows only ---------------------------------------------------------------------------
def test_imported_sessions_keep_first_sessions_and_tallies(client, cast):
    existing = ClientFactory(hub=cast.hub, name="既存の相談者")
    client.force_login(cast.coordinator)
    # One case of two sessions, the later first in the file.
    rows = [_row(cast.coordinator, {"相談者名": "新しい相談者", "相談日": "2024/05/10",
                                    "案件キー": "A"}),
            _row(cast.coordinator, {"相談者名": "新しい相談者", "相談日": "2024/04/22",
                                    "案件キー": "A"}),
            _row(cast.coordinator, {"相談者名": "既存の相談者", "相談日": "2024/06/03",
                                    "支援の深さ": "施策の紹介"})]
    assert _post(client, _csv(rows)).status_code == 302

    firsts = dict(Client.objects.values_list("name", "first_session_on"))
    assert firsts == {"新しい相談者": date(2024, 4, 22), existing.name: date(2024, 6, 3)}
    assert tallies_kept() == tallies_recounted() != set()  # and the monthly tallies
    assert topics_kept() == topics_recounted() != set()
    assert clients_kept() == clients_recounted() != set()
    assert cases_kept() == cases_recounted() != set()
    assert set(depths_kept().values()) == {Case.Depth.EXPERT, Case.Depth.POLICY}
    assert_all_kept()  # each case's sessions, each client's first, each session's depth
    assert sorted(case_figures_kept().values()) == [(1, date(2024, 6, 3), date(2024, 6, 3)),
                                                    (2, date(2024, 4, 22), date(2024, 5, 10))]


def test_valid_rows_only_imports_the_good_rows_and_offers_the_bad_ones_as_a_file(client, cast):
    c = cast.coordinator
    rows = [
        _row(c, {"相談者名": "良い一"}),
        _row(c, {"相談者名": "悪い一", "法人番号": BAD_NUMBER}),
        _row(c, {"相談者名": "良い二", "相談方法": "メール"}),
        _row(c, {"相談者名": "悪い二", "対応時間（分）": "0", "相談分野": "占い"}),
    ]
    before = _counts()
    client.force_login(c)

    response = _post(client, _csv(rows), valid_only=True)

    assert response.status_code == 302
    assert _counts() == (before[0] + 2, before[1] + 2, before[2] + 2)
    assert set(Client.objects.values_list("name", flat=True)) == {"良い一", "良い二"}
    batch = ImportBatch.objects.get()
    assert (batch.imported, batch.rejected) == (2, 2)
    page = client.get(response["Location"]).content.decode()
    download_url = reverse("consultations:import_rejected", args=[batch.pk])
    assert download_url in page

    download = client.get(download_url)

    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(f'取込不可_{batch.pk}.xlsx')}" in disposition
    sheet = load_workbook(io.BytesIO(download.getvalue()), read_only=True).worksheets[0]
    header, *data = list(sheet.iter_rows(values_only=True))
    assert list(header) == [*HEADERS, "エラー"]
    assert [r[HEADERS.index("相談者名")] for r in data] == ["悪い一", "悪い二"]
    assert data[0][HEADERS.index("法人番号")] == BAD_NUMBER
    assert "法人番号" in data[0][-1]
    assert "対応時間（分）" in data[1][-1] and "相談分野" in data[1][-1] and "占い" in data[1][-1]
    assert PersonalDataRead.objects.filter(user=c, what="import_rejected").exists()


def test_the_corrected_rejected_file_imports_and_its_error_column_is_not_read(client, cast):
    c = cast.coordinator
    client.force_login(c)
    rows = [_row(c, {"相談者名": "良い"}), _row(c, {"相談者名": "直す", "相談方法": "手紙"})]
    _post(client, _csv(rows), valid_only=True)
    batch = ImportBatch.objects.get()
    download = client.get(reverse("consultations:import_rejected", args=[batch.pk]))
    workbook = load_workbook(io.BytesIO(download.getvalue()))
    sheet = workbook.worksheets[0]
    assert_finished_table(sheet)  # fitting widths, frozen header and a filter: easy to fix
    sheet.cell(row=2, column=HEADERS.index("相談方法") + 1, value="電話")
    corrected = io.BytesIO()
    workbook.save(corrected)

    response = _post(client, corrected.getvalue(), name="corrected.xlsx")

    assert response.status_code == 302
    assert Session.objects.get(case__client__name="直す").channel == "phone"
    assert ImportBatch.objects.latest("pk").imported == 1


def test_the_rejected_file_is_404_for_another_hub_and_when_there_is_none(client, cast):
    with_rejects = ImportBatch.objects.create(hub=cast.hub, created_by=cast.coordinator,
                                              filename="a.csv", imported=1, rejected=1,
                                              rejected_file=ContentFile(b"PK-not-really",
                                                                        name="r.xlsx"))
    without = ImportBatch.objects.create(hub=cast.hub, created_by=cast.coordinator,
                                         filename="b.csv", imported=3)
    client.force_login(cast.outsider)
    assert client.get(reverse("consultations:import_rejected",
                              args=[with_rejects.pk])).status_code == 404
    client.force_login(cast.coordinator)
    assert client.get(reverse("consultations:import_rejected",
                              args=[without.pk])).status_code == 404
    assert client.get(reverse("consultations:import_rejected",
                              args=[with_rejects.pk])).status_code == 200


# --- Who may import ----------------------------------------------------------------------------
def test_coordinators_see_the_import_page_with_the_column_table(client, cast):
    for user in (cast.coordinator, cast.chief):
        client.force_login(user)
        response = client.get(reverse("consultations:session_import", args=["13"]))
        body = response.content.decode()
        assert response.status_code == 200
        assert 'enctype="multipart/form-data"' in body
        for header in HEADERS:
            assert f'<th scope="row" lang="ja">{header}</th>' in body
        assert "経営改善・事業再生" in body  # the topic names one may use


@pytest.mark.parametrize(("role", "status"), [("impl_org", 403), ("hq", 403), ("bureau", 404)])
def test_roles_that_cannot_log_consultations_cannot_import(client, cast, role, status):
    client.force_login(cast.by_role()[role])
    url = reverse("consultations:session_import", args=["13"])
    assert client.get(url).status_code == status
    assert _post(client, _csv([_row(cast.coordinator)])).status_code == status
    assert Session.objects.count() == 0


def test_a_coordinator_of_another_hub_gets_404_for_this_hubs_import_page(client, cast):
    client.force_login(cast.outsider)
    assert client.get(reverse("consultations:session_import", args=["13"])).status_code == 404
    # and cannot name a Tokyo coordinator to import into their own hub either
    response = _post(client, _csv([_row(cast.coordinator)]), jis_code="04")
    assert response.status_code == 200 and Session.objects.count() == 0
    assert _error_cell(2, "担当コーディネーター") in response.content.decode()


# --- Reading files -----------------------------------------------------------------------------
def test_headers_may_carry_the_required_mark_and_full_width_forms(cast):
    content = ("相談日＊,対応時間(分)*,相談方法＊,相談者名＊,担当コーディネーター＊,相談分野＊,"
               f"相談内容＊\n2024/4/1,45,電話,試験,{cast.coordinator.email},その他,内容\n")
    upload = imports.read_upload(SimpleUploadedFile("h.csv", content.encode("utf-8")))
    checked = imports.check(upload, hub=cast.hub)
    assert checked.errors == []
    assert checked.rows[0].data["held_on"] == date(2024, 4, 1)
    assert checked.rows[0].data["duration_minutes"] == 45


def test_an_old_excel_file_is_refused_with_advice(cast):
    with translation.override("en"), pytest.raises(imports.ImportFileError, match=r"\.xlsx"):
        imports.read_upload(SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100))
