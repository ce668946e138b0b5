"""The evaluation as files (Excel, or CSV on request): a hub's evaluation with its axes,
weights, comment and improvement requests, and the national comparison of every hub on every
axis with the national median. Headers in Japanese whatever the reader's language, like every
file the hubs pass on. What the pages withhold stays withheld (an axis without a score is
empty, with the reason)."""

from django.utils import translation
from django.utils.translation import gettext as _

from yorozu.core import fiscal
from yorozu.core.downloads import book_for, download_response

from . import axes


def _score(value):
    return None if value is None else float(value)


def _why_empty(value) -> str:
    if value.withheld:
        return _("Withheld: too few to show")
    return "" if value.score is not None else _("No figure")


def hub_file(*, assessment, evaluated, requests, chosen: str):
    book = book_for(chosen)
    year = fiscal.fiscal_year_label(assessment.fiscal_year)
    with translation.override("ja"):
        with book.table(_("Evaluation")) as out:
            out.lines([_("Multi-faceted evaluation"), assessment.hub.name, year],
                      [_("Status"), str(assessment.get_status_display())],
                      [_("Composite"), _score(evaluated.composite)], [])
            out.header([_("Axis"), _("Score"), _("Counted"), _("Out of"), _("Weight"),
                        _("Note")])
            for row in evaluated.rows():
                value = row["value"]
                out.row([str(row["axis"].label), _score(value.score), value.part,
                         value.whole, row["weight"], _why_empty(value)])
            out.blank()
            out.note([_("HQ's overall comment"), assessment.summary])
        with book.table(_("Improvement requests")) as out:
            out.header([_("What to improve"), _("Why"), _("By when"), _("Status"),
                        _("The hub's actions")])
            for request in requests:
                actions = "\n".join(f"{a.text}（{a.owner}）" for a in request.actions.all())
                out.row([request.title, request.reason, request.due_on,
                         str(request.get_status_display()), actions])
        name = f"多面的評価_{assessment.hub.prefecture_ja}_{assessment.fiscal_year}年度"
    return download_response(book, filename=name,
                             fallback=f"evaluation-{assessment.hub.jis_code}-"
                                      f"{assessment.fiscal_year}")


def national_file(*, rows, median_cells, median_overall, fiscal_year: int, chosen: str):
    book = book_for(chosen)
    with (translation.override("ja"),
          book.table(_("National comparison"), freeze_columns=2) as out):
        out.lines([_("Multi-faceted evaluation"), fiscal.fiscal_year_label(fiscal_year)],
                  [])
        out.header([_("Hub"), _("Regional bureau"), _("Composite"),
                    *[str(axis.label) for axis in axes.AXES], _("Status")])
        for row in rows:
            status = (str(row.assessment.get_status_display()) if row.assessment
                      else _("Not started"))
            out.row([row.hub.name, row.hub.bureau.name, row.overall.value,
                     *[cell.value for cell in row.cells], status])
        out.footer([_("National median"), "", median_overall.value,
                    *[cell.value for cell in median_cells], ""])
    return download_response(book, filename=f"多面的評価_全国比較_{fiscal_year}年度",
                             fallback=f"evaluation-national-{fiscal_year}")
