"""Excel downloads of cases and sessions: Japanese headers, one row per record, values as
stored, text never turned into formulas, and a query count that does not grow with the rows."""

import io
from datetime import date
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from consultations import exports, selectors
from consultations.models import Case, Topic
from hubs.access import authorise
from hubs.roles import VIEW_RECORDS
from tests.consultations.factories import CaseFactory, ClientFactory, SessionFactory
from yorozu.core.xlsx import XLSX_CONTENT_TYPE

CASE_HEADERS = ["案件ID", "相談者名", "相談者名（カナ）", "法人番号", "相談分野", "支援の深さ",
                "状況", "担当コーディネーター", "開始日", "終了日", "相談回数", "最終相談日",
                "成果の概要"]


def _sheet(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook.worksheets[0]


def _rows(response):
    return [list(r) for r in _sheet(response).iter_rows(values_only=True)]


def _their_hub(cast):
    return authorise(cast.coordinator, VIEW_RECORDS, cast.hub)


def _cases(cast):
    lead = cast.coordinator
    open_case = CaseFactory(
        hub=cast.hub, lead=lead, depth=Case.Depth.POLICY, opened_on=date(2024, 5, 1),
        client=ClientFactory(hub=cast.hub, name="株式会社よろず製作所",
                             name_kana="ヨロズセイサクショ", corporate_number="7000012050002"),
        topics=Topic.objects.filter(code__in=["sales", "it_dx"]))
    SessionFactory(hub=cast.hub, case=open_case, held_on=date(2024, 5, 1))
    SessionFactory(hub=cast.hub, case=open_case, held_on=date(2024, 6, 3))
    resolved = CaseFactory(
        hub=cast.hub, lead=lead, opened_on=date(2024, 4, 10), status=Case.Status.RESOLVED,
        closed_on=date(2024, 9, 30), outcome="新商品の販路が決まった。",
        client=ClientFactory(hub=cast.hub, name="=HYPERLINK(\"http://evil.example\")",
                             name_kana="", kind="sole"))
    CaseFactory(hub=cast.other_hub, lead=cast.outsider, opened_on=date(2024, 5, 5))
    return open_case, resolved


def test_cases_xlsx_has_the_japanese_header_row_and_one_row_per_case(cast):
    open_case, resolved = _cases(cast)
    cases = selectors.case_list(user=cast.coordinator, hub=_their_hub(cast))

    response = exports.cases_file(cases, chosen="xlsx", filename="案件一覧_東京都",
                                  by=cast.coordinator, hub_id=cast.hub.pk)

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    header, *rows = _rows(response)
    assert header == CASE_HEADERS
    assert len(rows) == 2  # newest first; the other hub's case is not there
    first = dict(zip(CASE_HEADERS, rows[0], strict=True))
    assert first["案件ID"] == open_case.pk
    assert (first["相談者名"], first["相談者名（カナ）"], first["法人番号"]) == (
        "株式会社よろず製作所", "ヨロズセイサクショ", "7000012050002")
    assert first["相談分野"] == "売上拡大／IT・DX"
    assert (first["支援の深さ"], first["状況"]) == ("施策の紹介", "対応中")
    assert first["担当コーディネーター"] == cast.coordinator.get_full_name()
    assert first["開始日"].date() == date(2024, 5, 1) and first["終了日"] is None
    assert first["相談回数"] == 2 and first["最終相談日"].date() == date(2024, 6, 3)
    second = dict(zip(CASE_HEADERS, rows[1], strict=True))
    assert (second["案件ID"], second["状況"], second["成果の概要"]) == (
        resolved.pk, "解決", "新商品の販路が決まった。")
    assert second["終了日"].date() == date(2024, 9, 30) and second["相談回数"] == 0


def test_text_that_looks_like_a_formula_stays_text(cast):
    _cases(cast)
    response = exports.cases_file(selectors.case_list(user=cast.coordinator, hub=_their_hub(cast)),
                                  chosen="xlsx", filename="a", by=cast.coordinator,
                                  hub_id=cast.hub.pk)
    name = _sheet(response).cell(row=3, column=2)
    assert name.data_type == "s" and name.value == "=HYPERLINK(\"http://evil.example\")"


def test_the_filename_is_sent_for_old_and_new_browsers(cast):
    response = exports.cases_file(Case.objects.none(), chosen="xlsx", filename="案件一覧_東京都",
                                  by=cast.coordinator, hub_id=cast.hub.pk)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="cases.xlsx"; ')
    assert f"filename*=UTF-8''{quote('案件一覧_東京都.xlsx')}" in disposition
    assert "no-store" in response["Cache-Control"]
    assert _rows(response) == [CASE_HEADERS]


def test_rows_are_read_in_chunks_with_their_topics_and_queries_do_not_grow(cast, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    for _ in range(3):
        CaseFactory(hub=cast.hub, lead=cast.coordinator)

    def export():
        with CaptureQueriesContext(connection) as queries:
            response = exports.cases_file(
                selectors.case_list(user=cast.coordinator, hub=_their_hub(cast)), chosen="xlsx",
                filename="a",
                by=cast.coordinator, hub_id=cast.hub.pk)
        return response, len(queries)

    response, few = export()
    rows = _rows(response)[1:]
    assert len(rows) == 3 and {r[4] for r in rows} == {"売上拡大"}
    for _ in range(3):
        CaseFactory(hub=cast.hub, lead=cast.coordinator)
    response, more = export()
    assert len(_rows(response)) == 7
    assert more - few <= 2  # one more chunk of cases and of its topics, not one per case


def test_the_case_list_offers_its_rows_as_excel(client, cast):
    _cases(cast)
    client.force_login(cast.coordinator)
    response = client.get(reverse("consultations:case_list", args=["13"]), {"format": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert _rows(response)[0] == CASE_HEADERS and len(_rows(response)) == 3

