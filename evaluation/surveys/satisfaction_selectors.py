"""Reads of client satisfaction answers for the results page and the evidence pack. Every
figure is counted in the database, and the satisfaction figure, its answers and its anonymity
rule are those of evaluation/figures.py.

Answers are anonymous to the hub, so an average over fewer than the minimum number of answers
is withheld, and so is any figure from which such a small group could be worked out by
subtraction: a hub's total minus the coordinator rows shown beside it, or the national total
minus the hubs that are shown (as evaluation/selfchecks.py does for thin items). Each such
group is either empty or at least the minimum.

    satisfaction_summary(hub=..., fiscal_year=...)          -> hub vs national (2 queries)
    satisfaction_monthly_share(hub_ids=..., fiscal_year=...) -> 12 shares satisfied, April..March
    satisfaction_results(user=..., hub=..., fiscal_year=...) -> the results page (4 queries)
"""

from __future__ import annotations

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from evaluation import figures
from evaluation.surveys.permissions import VIEW_SATISFACTION_DETAIL
from hubs.access import AuthorisedHub, hub_access
from hubs.roles import VIEW_RECORDS
from yorozu.core import fiscal

from .models import SatisfactionResponse

QUESTIONS = SatisfactionResponse.QUESTIONS
MONTHS = 12
COMMENTS_SHOWN = 100  # the newest; the page says how many there are in all
min_answers = figures.min_answers


def _year_answers(fiscal_year: int, *, until=None):
    """The year's answers (up to `until`), as evaluation/figures.py counts them."""
    end = fiscal.fiscal_year_end(fiscal_year)
    return figures.satisfaction_answers(start=fiscal.fiscal_year_start(fiscal_year),
                                        end=min(end, until) if until else end)


def _figures(row: dict, *, prefix: str, withheld: bool = False) -> dict:
    """{"n", "averages": {question: 2 decimals or None}, "share_satisfied", "withheld"} from
    an aggregate row. `withheld` also when there are too few answers; never for none."""
    n = row[f"{prefix}n"] or 0
    withheld = n > 0 and (withheld or figures.satisfaction_withheld(n))
    shown = n > 0 and not withheld
    return {"n": n, "withheld": withheld,
            "averages": {q: round(float(row[f"{prefix}{q}"]), 2)
                         if shown and row[f"{prefix}{q}"] is not None else None
                         for q in QUESTIONS},
            "share_satisfied": (figures.satisfaction_rate(row[f"{prefix}satisfied"], n)
                                if shown else None)}


def _stats(prefix: str, where: Q | None = None) -> dict:
    # Prefixed: an aggregate may not share its name with the field it aggregates.
    stats = {f"{prefix}{q}": Avg(q, filter=where) for q in QUESTIONS}
    stats.update(figures.satisfaction_counts(where, prefix=prefix))
    return stats


def _national_residual_too_small(answers) -> bool:
    """Whether the answers of hubs whose own figures are withheld add up to a small group,
    which the national figure minus the shown hubs would reveal."""
    counts = answers.values("hub_id").annotate(n=Count("pk")).order_by().values_list("n",
                                                                                     flat=True)
    return figures.satisfaction_residual_too_small(list(counts))


def satisfaction_summary(*, hub: AuthorisedHub, fiscal_year: int) -> dict:
    """The hub's answers of the fiscal year against every hub's: {"n", "averages",
    "share_satisfied", "withheld", "comments" (how many), "min_answers", "national": {"n",
    "averages", "share_satisfied", "withheld"}, "table": per question, for templates}. Two
    queries. The caller has checked that the user may see the hub's figures."""
    answers = _year_answers(fiscal_year)
    mine = Q(hub=hub.hub)
    row = answers.aggregate(**_stats("hub_", mine), **_stats("all_"),
                            comments=Count("pk", filter=mine & ~Q(comment="")))
    summary = _figures(row, prefix="hub_")
    summary["comments"] = row["comments"]
    national_hidden = _national_residual_too_small(answers)
    summary["national"] = _figures(row, prefix="all_", withheld=national_hidden)
    summary["min_answers"] = min_answers()
    # For templates: one row per question, the hub's average beside every hub's.
    summary["table"] = [{**q, "hub": summary["averages"][q["code"]],
                         "national": summary["national"]["averages"][q["code"]]}
                        for q in question_labels()]
    return summary


# Column headings for tables; the full questions are listed beside them.
SHORT_LABELS = {"overall": _("Overall"), "understanding": _("Understanding"),
                "usefulness": _("Usefulness"), "speed": _("Speed"),
                "recommend": _("Would recommend")}


def question_labels() -> list[dict]:
    return [{"code": q, "short": SHORT_LABELS[q],
             "text": SatisfactionResponse._meta.get_field(q).verbose_name} for q in QUESTIONS]


# --- Monthly shares (plan indicator) ---------------------------------------------------------
def satisfaction_monthly_share(*, hub_ids, fiscal_year: int) -> list[float | None]:
    """The satisfaction figure per month April..March (evaluation/figures.py); None for a
    month without answers or withheld. hub_ids: a list, or None for every hub."""
    n, satisfied = [0] * MONTHS, [0] * MONTHS
    answers = figures.scoped(_year_answers(fiscal_year),
                             None if hub_ids is None else list(hub_ids))
    for row in (answers.order_by().annotate(month=TruncMonth("answered_on")).values("month")
                .annotate(**figures.satisfaction_counts()).order_by()):
        i = (row["month"].month - 4) % 12
        n[i] += row["n"]
        satisfied[i] += row["satisfied"]
    hidden = figures.satisfaction_withholding(n)  # months obey the minimum like the year
    return [None if reason else figures.satisfaction_rate(s, total)
            for s, total, reason in zip(satisfied, n, hidden, strict=True)]


# --- The results page ------------------------------------------------------------------------
def satisfaction_results(*, user, hub: AuthorisedHub, fiscal_year: int) -> dict:
    """What the results page shows `user` (who may see the hub's figures): the summary, the
    coordinator rows they may see (every coordinator's with VIEW_SATISFACTION_DETAIL, else
    the hub's staff their own, bureaus none) and, with the detail, the clients' comments.
    Four queries whatever the data size (plus the access checks)."""
    summary = satisfaction_summary(hub=hub, fiscal_year=fiscal_year)
    detail = hub_access(user).can(VIEW_SATISFACTION_DETAIL, hub.hub.pk)
    # Hub staff without the detail see their own row; a bureau, hub against national only.
    show_rows = detail or hub_access(user).can(VIEW_RECORDS, hub.hub.pk)
    rows = _coordinator_rows(hub=hub, fiscal_year=fiscal_year,
                             only=None if detail else user.pk) if show_rows else []
    _withhold_residual(rows, hub_n=summary["n"])
    for row in rows:
        row["values"] = [row["averages"][q] for q in QUESTIONS]
    comments = []
    if detail and summary["n"] >= min_answers():
        comments = _comments(hub=hub, fiscal_year=fiscal_year)
    return {"summary": summary, "rows": rows, "show_rows": show_rows, "detail": detail,
            "comments": comments, "comments_withheld": detail and summary["withheld"],
            "comments_shown": COMMENTS_SHOWN}


def _coordinator_rows(*, hub: AuthorisedHub, fiscal_year: int, only) -> list[dict]:
    answers = _year_answers(fiscal_year).filter(hub=hub.hub)
    if only is not None:
        answers = answers.filter(coordinator_id=only)
    grouped = (answers.order_by().values("coordinator_id", "coordinator__family_name",
                                         "coordinator__given_name")
               .annotate(**_stats("c_")).order_by("coordinator__family_name",
                                              "coordinator__given_name", "coordinator_id"))
    rows = []
    for row in grouped:
        figures = _figures(row, prefix="c_")
        figures["name"] = f"{row['coordinator__family_name']} {row['coordinator__given_name']}"
        figures["coordinator_id"] = row["coordinator_id"]
        rows.append(figures)
    return rows


def _withhold_residual(rows: list[dict], *, hub_n: int) -> None:
    """The hub's figures minus the rows shown must not be a group of 1 to min-1 answers
    (one withheld coordinator, say): the smallest shown rows are withheld until it is not.
    Each withheld row keeps its reason, so that the page says why it is hidden."""
    reasons = figures.satisfaction_withholding([r["n"] for r in rows], total=hub_n)
    for row, reason in zip(rows, reasons, strict=True):
        row["withheld_reason"] = reason
        if reason:
            row.update(withheld=True, share_satisfied=None,
                       averages=dict.fromkeys(QUESTIONS))


def _comments(*, hub: AuthorisedHub, fiscal_year: int) -> list[dict]:
    """The newest comments, with their month only (a day could point to a client), and
    nothing that ties them to a coordinator or a case."""
    return list(_year_answers(fiscal_year).filter(hub=hub.hub).exclude(comment="")
                .order_by("-answered_on", "-pk").annotate(month=TruncMonth("answered_on"))
                .values("comment", "month")[:COMMENTS_SHOWN])
