"""The report files. Sheet names, headers and labels are Japanese literals, like every file
the hubs pass on (see consultations/exports.py): they read the same whatever language the
person who asked for them uses. Each report fills a book (yorozu/core/downloads.py): an Excel
workbook written row by row, or CSV files, one per sheet. Their rows are aggregates, so their
number does not grow with the records: the national detail sheet, the longest, has at most
one row per hub, month, topic and channel."""

from datetime import date

from consultations.exports import CHANNEL_LABELS
from consultations.models import Topic
from evaluation import figures as hub_figures
from hubs.access import AuthorisedHub
from yorozu.core import fiscal
from yorozu.core.xlsx import MONTH_FORMAT, Formatted

from . import selectors
from .selectors import CHANNELS, Period

PERCENT = "0.0%"
AVERAGE = "0.00"
PROGRESS_ROWS = 2000  # detail rows between progress reports
WITHHELD = "回答数が{n}件未満のため表示しません（回答者の特定を防ぐため）"
NO_TOPIC = "（分野なし）"

# Labels of the summary sheet's rows; the tests read the figures by them.
SESSIONS = "相談対応数"
NEW_CLIENTS = "新規相談者数"
CASES_OPENED = "開始した案件"
EXPERT_SHARE = "うち専門的な提案の案件の割合"
CASES_RESOLVED = "解決した案件"
CASES_CLOSED = "終了した案件（未解決）"
REFERRALS_MADE = "紹介・連携の件数"
FOLLOW_UP_DUE = "フォロー期限がこの月の紹介"
FOLLOW_UP_ANSWERED = "うち回答済み（報告あり・完了）"
FOLLOW_UP_LAPSED = "うち立ち消え"
FOLLOW_UP_OVERDUE = "うち未回答で期限超過"
FOLLOW_UP_RATE = "フォロー率"
SATISFACTION_N = "満足度調査の回答数"
SATISFACTION_SHARE = "満足の割合（総合4以上）"
SATISFACTION_AVERAGE = "総合満足度の平均（5段階）"


def channel_label(channel: str) -> str:
    return f"{SESSIONS}（{CHANNEL_LABELS[channel]}）"


def month_label(day: date) -> str:
    """2025年4月（令和7年4月）: files carry the era beside the year (docs/wording.md)."""
    return f"{day.year}年{day.month}月（{fiscal.era_year(day)}{day.month}月）"


# --- Hub monthly report ------------------------------------------------------------------------
def hub_monthly(book, *, hub: AuthorisedHub, period: Period, as_of: date, progress) -> int:
    """Fills `book` (downloads.book_for) with the hub's report for the month; returns the
    month's sessions."""
    sessions = selectors.session_channel_counts(hub=hub, period=period)
    _summary_sheet(book, hub=hub, period=period, as_of=as_of, sessions=sessions)
    progress.set(1)
    _topic_channel_sheet(book, hub=hub, period=period, totals=sessions)
    progress.set(2)
    _coordinator_sheet(book, hub=hub, period=period)
    progress.set(3, force=True)
    return sessions["total"]


def _summary_sheet(book, *, hub: AuthorisedHub, period: Period, as_of: date,
                   sessions: dict) -> None:
    figures = selectors.hub_month_summary(hub=hub, period=period, as_of=as_of,
                                          sessions=sessions)
    with book.table("概要") as table:
        table.lines(["拠点", f"{hub.hub.prefecture_ja}よろず支援拠点"],
                    ["対象月", month_label(period.start)], ["集計日", as_of])
        table.blank()
        table.header(["項目", "値", "注記"])
        for row in _summary_rows(figures):
            table.row(row)


def _summary_rows(figures: dict) -> list[list]:
    sessions, cases, follow = figures["sessions"], figures["cases"], figures["follow_up"]
    rows = [[SESSIONS, sessions["total"], "相談日がこの月の相談対応（来訪・出張・電話等の合計）"]]
    rows += [[channel_label(ch), sessions[ch], ""] for ch in CHANNELS]
    rows += [
        [NEW_CLIENTS, figures["new_clients"],
         "この月に初めて相談を受けた相談者（相談者ごとに最初の相談日がこの月にあるもの）"],
        [CASES_OPENED, cases["opened"], "開始日がこの月の案件"],
        [EXPERT_SHARE, _as_percent(figures["expert_share"]),
         "開始した案件のうち、深さが「専門的な提案」の案件の割合"],
        [CASES_RESOLVED, cases["resolved"], "終了日がこの月で、状況が「解決」の案件"],
        [CASES_CLOSED, cases["closed"], "終了日がこの月で、状況が「終了（未解決）」の案件"],
        [REFERRALS_MADE, figures["referrals_made"],
         "紹介・連携を登録した日（日本時間）がこの月のもの"],
        [FOLLOW_UP_DUE, follow["due"], "フォロー期限がこの月で、集計日までに期限が来た紹介・連携"],
        [FOLLOW_UP_ANSWERED, follow["followed"], "状況が「報告あり」または「完了」"],
        [FOLLOW_UP_RATE, _percent(follow["followed"], follow["due"]),
         "フォロー期限が来た紹介・連携のうち回答済みの割合"],
        [FOLLOW_UP_LAPSED, follow["lapsed"], "状況が「立ち消え」"],
        [FOLLOW_UP_OVERDUE, follow["overdue"],
         "紹介先の対応待ち（送付済み・受領済み・紹介先で対応中）で、フォロー期限が集計日より前のもの"],
    ]
    return rows + _satisfaction_rows(figures["satisfaction"])


def _satisfaction_rows(satisfaction: dict) -> list[list]:
    shown = selectors.shown_satisfaction(satisfaction)
    n_row = [SATISFACTION_N, satisfaction["n"], "回答日がこの月の相談者満足度調査"]
    if shown is None:
        note = WITHHELD.format(n=hub_figures.min_answers())
        return [n_row, [SATISFACTION_SHARE, None, note], [SATISFACTION_AVERAGE, None, note]]
    return [n_row, [SATISFACTION_SHARE, Formatted(shown["share"], PERCENT), ""],
            [SATISFACTION_AVERAGE, Formatted(shown["average"], AVERAGE), ""]]


def _percent(part: int, whole: int):
    """The rate as every page shows it (a percentage to one decimal), as a percent cell."""
    return _as_percent(hub_figures.rate(part, whole))


def _as_percent(shown: float | None):
    return None if shown is None else Formatted(shown / 100, PERCENT)


def _topic_channel_sheet(book, *, hub: AuthorisedHub, period: Period, totals: dict) -> None:
    counts = selectors.topic_channel_counts(hub=hub, period=period)
    topics = selectors.topics_for_report({topic for topic, _ch in counts})
    rows = [(topic.name_ja, topic.pk) for topic in topics]
    if any(topic is None for topic, _ch in counts):
        rows.append((NO_TOPIC, None))
    # The total (`totals`) counts each session once, however many topics its case has.
    with book.table("相談分野×チャネル") as table:
        table.header(["相談分野", *(CHANNEL_LABELS[ch] for ch in CHANNELS), "計"])
        for label, topic_id in rows:
            values = [counts.get((topic_id, ch), 0) for ch in CHANNELS]
            table.row([label, *values, sum(values)])
        table.footer(["合計（相談対応数）", *(totals[ch] for ch in CHANNELS), totals["total"]])
        table.blank()
        table.note(["注記：1件の相談の案件に複数の相談分野があるときは、分野ごとに数えています。"
                    "合計の行は相談1件を1回だけ数えています。"])


def _coordinator_sheet(book, *, hub: AuthorisedHub, period: Period) -> None:
    with book.table("コーディネーター別") as table:
        table.header(["コーディネーター", SESSIONS, *(CHANNEL_LABELS[ch] for ch in CHANNELS)])
        for row in selectors.coordinator_counts(hub=hub, period=period):
            name = (f"{row['coordinators__family_name']} "
                    f"{row['coordinators__given_name']}").strip()
            table.row([name, row["total"], *(row[ch] for ch in CHANNELS)])
        table.blank()
        table.note(["注記：同席したコーディネーターそれぞれに数えています"
                    "（複数人で対応した相談は各人に1件）。"])


# --- National fiscal-year roll-up ------------------------------------------------------------
DETAIL_HEADERS = ["拠点コード", "都道府県", "年月", "相談分野", "チャネル", "相談対応数"]


def national_fy(book, *, fiscal_year: int, as_of: date, progress) -> int:
    """Fills `book` (downloads.book_for) with the national roll-up of the fiscal year;
    returns the year's sessions, all hubs."""
    period = selectors.fiscal_period(fiscal_year)
    hubs = selectors.hubs_in_order()
    progress.total(2 * len(hubs))
    # Created first so that the overview is the first tab; filled after the detail.
    with book.table("拠点別", freeze_columns=2) as by_hub:
        _detail_sheet(book, hubs=hubs, period=period, progress=progress)
        sessions = _hub_sheet(by_hub, hubs=hubs, fiscal_year=fiscal_year, as_of=as_of,
                              progress=progress)
    _notes_sheet(book, fiscal_year=fiscal_year, as_of=as_of)
    return sessions


def _detail_sheet(book, *, hubs, period: Period, progress) -> None:
    by_id = {hub.pk: hub for hub in hubs}
    topics = list(Topic.objects.all())
    names = {topic.pk: topic.name_ja for topic in topics}
    rows = selectors.national_detail_rows(period=period, hubs=hubs, topics=topics)
    months: dict[date, Formatted] = {}  # one cell value per month, not per row
    seen_hubs: set[int] = set()
    with book.table("明細") as table:
        table.header(DETAIL_HEADERS)
        for count, (hub_id, month, topic_id, channel, n) in enumerate(rows, start=1):
            hub = by_id[hub_id]
            if month not in months:
                months[month] = Formatted(month, MONTH_FORMAT)
            table.row([hub.jis_code, hub.prefecture_ja, months[month],
                       names.get(topic_id, NO_TOPIC), CHANNEL_LABELS[channel], n])
            seen_hubs.add(hub_id)
            if count % PROGRESS_ROWS == 0:
                progress.set(len(seen_hubs))
    progress.set(len(hubs), force=True)


def _hub_sheet(table, *, hubs, fiscal_year: int, as_of: date, progress) -> int:
    months = selectors.fiscal_months(fiscal_year)
    figures = selectors.national_hub_figures(period=selectors.fiscal_period(fiscal_year),
                                             as_of=as_of)
    table.header([
        "拠点コード", "都道府県", *(f"{m.month}月" for m in months), "相談対応数（年度計）",
        NEW_CLIENTS, "フォロー期限が年度内の紹介", "うち回答済み", FOLLOW_UP_RATE,
        SATISFACTION_N, SATISFACTION_SHARE])
    totals = _Totals(months)
    answers = []
    for done, hub in enumerate(hubs, start=len(hubs) + 1):
        row = _hub_row(hub.pk, months, figures)
        totals.add(row)
        answers.append(row["n"])
        table.row([hub.jis_code, hub.prefecture_ja, *_hub_cells(row)])
        progress.set(done)
    # The national share minus the shown hubs' must not reveal the withheld hubs' answers.
    national = _hub_cells(totals.row)
    if hub_figures.satisfaction_residual_too_small(answers):
        national[-1] = None
    table.footer(["00", "全国", *national])
    table.blank()
    table.note([f"注記：満足度は回答数が{hub_figures.min_answers()}件未満の拠点では"
                "表示しません（回答者の特定を防ぐため）。全国の行は全拠点の回答の合計です。"
                "表示しない拠点の回答が合わせて少ない場合は、全国の満足度も表示しません。"])
    return sum(totals.row["months"])


def _hub_row(hub_id: int, months: list[date], figures: dict) -> dict:
    follow = figures["follow_up"].get(hub_id, {})
    satisfaction = figures["satisfaction"].get(hub_id, {})
    return {"months": [figures["months"].get((hub_id, m), 0) for m in months],
            "new_clients": figures["new_clients"].get(hub_id, 0),
            "due": follow.get("due", 0), "answered": follow.get("followed", 0),
            "n": satisfaction.get("n", 0), "satisfied": satisfaction.get("satisfied", 0)}


def _hub_cells(row: dict) -> list:
    shown = selectors.shown_satisfaction({"n": row["n"], "satisfied": row["satisfied"]})
    share = Formatted(shown["share"], PERCENT) if shown else None
    return [*row["months"], sum(row["months"]), row["new_clients"], row["due"],
            row["answered"], _percent(row["answered"], row["due"]), row["n"], share]


class _Totals:
    """The 全国 row: sums of the hubs' aggregates (47 rows, not the records behind them)."""

    def __init__(self, months):
        self.row = {"months": [0] * len(months), "new_clients": 0, "due": 0, "answered": 0,
                    "n": 0, "satisfied": 0}

    def add(self, row: dict) -> None:
        self.row["months"] = [a + b for a, b in zip(self.row["months"], row["months"],
                                                    strict=True)]
        for key in ("new_clients", "due", "answered", "n", "satisfied"):
            self.row[key] += row[key]


def _notes_sheet(book, *, fiscal_year: int, as_of: date) -> None:
    with book.table("注記") as table:
        table.lines(
            ["対象年度", f"{fiscal_year}年度（{fiscal.era_label(fiscal_year)}、"
                        f"{fiscal_year}年4月1日～{fiscal_year + 1}年3月31日）"],
            ["集計日", as_of],
            ["相談対応数", "相談日が対象期間内の相談対応。明細では案件の相談分野ごとに数えるため、"
                      "分野が複数ある案件の相談は複数の行に現れます。拠点別の数は相談1件を1回だけ数えます。"],
            [NEW_CLIENTS, "対象年度に初めて相談を受けた相談者"
                          "（相談者ごとに最初の相談日が年度内。相談の記録がまだない相談者は数えません）"],
            [FOLLOW_UP_RATE, "フォロー期限が年度内で集計日までに期限が来た紹介・連携のうち、"
                             "状況が「報告あり」または「完了」の割合"],
            [SATISFACTION_SHARE, "相談者満足度調査で総合満足度が4以上の回答の割合"],
        )
