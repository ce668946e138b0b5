"""Downloads of consultation records (cases, open referrals) as Excel or CSV, with Japanese
column headers.

Headers and the labels of coded values are Japanese, not the user's UI language: the files
are data that hubs pass on and re-import, so they read the same whatever language the user
picked. Rows are read from the database in chunks and written as they come (yorozu.core.
downloads), so that memory stays flat however many rows a hub has. Every row names a client,
so each download is logged as one read of personal data, with its row count and filters."""

from django.http import HttpResponse

from yorozu.core.downloads import book_for, download_response, japanese_labels

from .models import Case, Client, Referral, Session
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
REFERRAL_HEADERS = ["フォロー期限", "相談者名", "紹介先の支援機関", "種別", "状況",
                    "担当コーディネーター", "案件ID", "登録日時"]


def _case_row(case) -> list:
    client = case.client
    return [
        case.pk, client.name, client.name_kana, client.corporate_number,
        LIST_SEPARATOR.join(t.name_ja for t in case.topics.all()),
        DEPTH_LABELS.get(case.depth, case.depth), STATUS_LABELS.get(case.status, case.status),
        case.lead.get_full_name() if case.lead_id else "",
        case.opened_on, case.closed_on, getattr(case, "session_count", None),
        getattr(case, "last_session_on", None), case.outcome,
    ]


def cases_file(cases, *, chosen: str, filename: str, by, hub_id: int,
               filters: str = "") -> HttpResponse:
    """A download of `cases` in the `chosen` format (downloads.FORMATS), a queryset as
    consultations.selectors.case_list returns it (client and lead selected, topics
    prefetched, session_count and last_session_on annotated). One header row, then one row per
    case in the queryset's order; `filename` has no extension.

    Logged as one read of personal data by `by`, whatever their role, with the row count and
    `filters`."""
    book = book_for(chosen)
    rows = 0
    with book.table("案件") as table:
        table.header(CASE_HEADERS)
        # Django 5.2 applies prefetch_related per chunk when iterating with a chunk size.
        for case in cases.iterator(chunk_size=CHUNK_SIZE):
            table.row(_case_row(case))
            rows += 1
    personal_data_read_log(user=by, client=None, hub_id=hub_id, what="case_export", rows=rows,
                           detail=_detail(filters, chosen))
    return download_response(book, filename=filename, fallback="cases")


def referrals_file(referrals, *, chosen: str, filename: str, by, hub_id: int) -> HttpResponse:
    """The open referrals of the follow-up page (selectors.followups), as the page lists them."""
    statuses = japanese_labels(Referral.Status.choices)
    kinds = japanese_labels(Referral.Kind.choices)
    book = book_for(chosen)
    rows = 0
    with book.table("紹介・連携") as table:
        table.header(REFERRAL_HEADERS)
        # Every row: the agencies joined (the page reads its one page's apart), so that the
        # file's queries do not grow with its chunks.
        every = referrals.prefetch_related(None).select_related("agency")
        for referral in every.iterator(chunk_size=CHUNK_SIZE):
            case = referral.case
            table.row([referral.follow_up_due, case.client.name, referral.agency.name,
                       kinds.get(referral.kind, referral.kind),
                       statuses.get(referral.status, referral.status),
                       case.lead.get_full_name() if case.lead_id else "", case.pk,
                       referral.created_at])
            rows += 1
    personal_data_read_log(user=by, client=None, hub_id=hub_id, what="referral_export",
                           rows=rows, detail=_detail("", chosen))
    return download_response(book, filename=filename, fallback="referrals")


def _detail(filters: str, chosen: str) -> str:
    # The format first: the log's detail is cut at 500 characters.
    return "; ".join(part for part in (f"format={chosen}", filters) if part)
