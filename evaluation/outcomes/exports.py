"""The outcome pages' table as Excel or CSV (yorozu/core/downloads.py), with Japanese headers
like every file the hubs pass on. The file holds exactly what the page shows: a withheld
figure is an empty cell with the reason beside it, never the number. No client is named."""

from django.http import HttpResponse

from evaluation import figures
from evaluation.surveys.anonymity import PROTECTS_OTHERS
from yorozu.core import fiscal
from yorozu.core.downloads import book_for, download_response
from yorozu.core.xlsx import Formatted

from .models import FinancialSnapshot, Milestone

PERCENT_FORMAT = "0.0"
# Japanese labels of the coded values, as files (exports and the import) write them whatever
# language the reader uses, as consultations/exports.py does.
MILESTONE_LABELS = {
    Milestone.Kind.NEW_PRODUCT: "新商品・新サービスの開発",
    Milestone.Kind.NEW_MARKET: "販路開拓",
    Milestone.Kind.FINANCING: "資金調達",
    Milestone.Kind.SUCCESSION: "事業承継",
    Milestone.Kind.STARTUP: "創業",
    Milestone.Kind.OTHER: "その他",
}
SOURCE_LABELS = {
    FinancialSnapshot.Source.STATEMENTS: "決算書",
    FinancialSnapshot.Source.TAX_RETURN: "確定申告書",
    FinancialSnapshot.Source.HEARING: "聞き取り",
}
HEADERS = ["区分", "名称", "対象の相談者数", "支援前の付加価値額の合計（千円）",
           "最新の付加価値額の合計（千円）", "増減（千円）", "増減率（％）",
           "付加価値額が増えた相談者数", "備考"]
TOO_FEW_NOTE = "対象者が少ないため非表示"
PROTECTS_NOTE = "他の非表示の行を推測されないよう非表示"


def _note(figure: figures.ValueAddedChange) -> str:
    if figure.withheld_reason == PROTECTS_OTHERS:
        return PROTECTS_NOTE
    return TOO_FEW_NOTE if figure.withheld else ""


def figure_cells(figure: figures.ValueAddedChange) -> list:
    """The figure's cells after its name: empty where withheld or with nothing to show."""
    rate = Formatted(figure.rate, PERCENT_FORMAT) if figure.rate is not None else None
    return [figure.clients, figure.baseline, figure.latest, figure.change, rate,
            figure.improved, _note(figure)]


def outcomes_file(rows: list[tuple[str, str, figures.ValueAddedChange]], *, chosen: str,
                  fiscal_year: int, filename: str, fallback: str,
                  milestones: list[tuple[str, str, int]] | None = None) -> HttpResponse:
    """`rows` of (level, name, figure) in the page's order; with `milestones` (kind, label,
    count) a second table of the confirmed milestones of the year."""
    book = book_for(chosen)
    label = fiscal.fiscal_year_label(fiscal_year)
    with book.table("付加価値額") as table:
        table.lines([f"{label}に初めて相談した相談者の付加価値額の変化（金額は千円）"])
        table.header(HEADERS)
        for level, name, figure in rows:
            table.row([level, name, *figure_cells(figure)])
        table.blank()
        table.note([f"注記：付加価値額＝営業利益＋人件費＋減価償却費。対象者が"
                    f"{figures.outcome_min_clients()}社未満の数値は表示しません。"
                    "合計から他の行を差し引いて少数の値が分かる場合は、その行も表示しません。"])
    if milestones is not None:
        with book.table("成果") as table:
            table.lines([f"{label}に達成した成果（相談者の確認済み）"])
            table.header(["成果の種類", "件数"])
            for kind, _label, count in milestones:
                table.row([MILESTONE_LABELS[kind], count])
    return download_response(book, filename=filename, fallback=fallback)
