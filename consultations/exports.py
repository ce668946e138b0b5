"""Excel (.xlsx) files of consultation records, with Japanese column headers.

Headers and the labels of coded values are Japanese literals, not translated UI text: the files
are data that hubs pass on and re-import, so they read the same whatever language the user
picked. Sheets are written with openpyxl's write-only mode and the rows are read from the
database in chunks, so that memory stays flat however many rows a hub has.
"""

from django.http import HttpResponse
from openpyxl import Workbook

from yorozu.core.xlsx import DATE_FORMAT, cell, header_row, workbook_bytes, xlsx_response

from .models import Case, Client, Session
from .services import personal_data_read_log

CHUNK_SIZE = 2000

# Japanese labels of the coded values, as they appear in files (exports and imports).
CHANNEL_LABELS = {
    Session.Channel.VISIT: "来訪",
    Session.Channel.OUTREACH: "出張",
    Session.Channel.PHONE: "電話",
    Session.Channel.ONLINE: "オンライン",
    Session.Channel.EMAIL: "メール",
}
KIND_LABELS = {
    Client.Kind.CORPORATION: "法人",
    Client.Kind.SOLE: "個人事業主",
    Client.Kind.STARTUP: "創業予定",
}
DEPTH_LABELS = {
    Case.Depth.EXPERT: "専門的な提案",
    Case.Depth.POLICY: "施策の紹介",
    Case.Depth.REFERRAL: "紹介のみ",
}
STATUS_LABELS = {
    Case.Status.OPEN: "対応中",
    Case.Status.RESOLVED: "解決",
    Case.Status.CLOSED: "終了（未解決）",
}
LIST_SEPARATOR = "／"

CASE_HEADERS = ["案件ID", "相談者名", "相談者名（カナ）", "法人番号", "相談分野", "支援の深さ",
                "状況", "担当コーディネーター", "開始日", "終了日", "相談回数", "最終相談日",
                "成果の概要"]


def _case_row(sheet, case) -> list:
    client = case.client
    return [
        cell(sheet, case.pk),
        cell(sheet, client.name),
        cell(sheet, client.name_kana),
        cell(sheet, client.corporate_number),
        cell(sheet, LIST_SEPARATOR.join(t.name_ja for t in case.topics.all())),
        cell(sheet, DEPTH_LABELS.get(case.depth, case.depth)),
        cell(sheet, STATUS_LABELS.get(case.status, case.status)),
        cell(sheet, case.lead.get_full_name() if case.lead_id else ""),
        cell(sheet, case.opened_on, number_format=DATE_FORMAT),
        cell(sheet, case.closed_on, number_format=DATE_FORMAT),
        cell(sheet, getattr(case, "session_count", None)),
        cell(sheet, getattr(case, "last_session_on", None), number_format=DATE_FORMAT),
        cell(sheet, case.outcome),
    ]


def cases_xlsx(cases, *, filename: str, by, hub_id: int, filters: str = "") -> HttpResponse:
    """An .xlsx download of `cases`, a queryset as consultations.selectors.case_list returns it
    (client and lead selected, topics prefetched, session_count and last_session_on
    annotated). One header row, then one row per case in the queryset's order.

    Every row names a client, so the download is logged as a read of personal data by `by`,
    whatever their role: one log row for the file, with its row count and `filters`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("案件")
    sheet.freeze_panes = "A2"
    sheet.append(header_row(sheet, CASE_HEADERS))
    rows = 0
    # Django 5.2 applies prefetch_related per chunk when iterating with a chunk size.
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        sheet.append(_case_row(sheet, case))
        rows += 1
    personal_data_read_log(user=by, client=None, hub_id=hub_id, what="case_export", rows=rows,
                           detail=filters)
    return xlsx_response(workbook_bytes(workbook), filename=filename, fallback="cases.xlsx")
