"""Plan dashboards: targets of the accepted plan against what hubs actually did.

- a hub (everyone who may see its plan): month by month, per standard indicator;
- a bureau (its hubs; HQ sees every hub, grouped by bureau): the bureau's months against the
  sum of its hubs' accepted targets, and each hub's year's target against its actual to date;
- national (HQ): the network's months against the sum of the hubs' accepted targets, and a
  summary per bureau.

A bureau's or the nation's total counts only the hubs with an accepted plan, actuals as well
as targets (a target summed over some hubs set against the actuals of all of them would put
the network at several times its target); the page names the hubs counted and those left out.
Targets to date pro-rate the month under way by its days passed (actuals.months_elapsed).

Beside the standard indicators, each page shows the plans' priority areas (重点分野): each
area's target, its actual to date and its attainment (plans/attainment.py), for the hub, for
each hub of a bureau, and per bureau for the nation (the mean over the areas of the hubs with
an accepted plan).

Every page is a chart (Chart.js, drawn by static/js/plan_charts.js from json_script data) with a
table of the same numbers beside it, and downloads as Excel or CSV with ?format=
(yorozu/core/downloads.py). Each page runs a fixed number of queries whatever the data size
(actuals are GROUP BY queries; the priorities' actuals one query per kind of measure in use,
whatever the number of areas and hubs)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import formats, translation
from django.utils.translation import gettext as _

from evaluation.permissions import EVALUATE
from evaluation.plans.permissions import REVIEW_PLAN, VIEW_PLAN
from hubs.access import hub_access, is_hq, require
from hubs.models import Hub
from hubs.scoping import hub_for_user_or_404
from yorozu.core import fiscal
from yorozu.core.downloads import book_for, download_response, requested_format
from yorozu.core.xlsx import Formatted

from .. import figures
from . import actuals, attainment, measures
from .indicators import STANDARD

# Japanese literals for the files, as in consultations/exports.py: files read the same
# whatever language the user picked.
INDICATOR_LABELS_JA = {
    "sessions": "相談対応件数",
    "new_clients": "新規相談者数",
    "satisfaction": "相談者の満足度（満足の割合）",
    "follow_up": "紹介後のフォローアップ率",
    "expert_share": "専門的な提案の案件の割合",
}
UNIT_LABELS_JA = {"count": "件数", "percent": "％"}
PLAN_LABELS_JA = {"accepted": "受理済み", "draft": "未受理（作成中の計画）", "none": "計画なし"}
MONTH_HEADERS = ["指標", "単位", "期間", "目標", "実績"]
SUMMARY_HEADERS = ["経済産業局", "拠点", "計画"]
PERCENT_FORMAT = "0.0"


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", fiscal.current_fiscal_year()))
    except ValueError as exc:
        raise Http404 from exc
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _month_labels(year: int) -> list[str]:
    return [formats.date_format(start, "YEAR_MONTH_FORMAT")
            for start in actuals.month_starts(year)]


def _month_labels_ja(year: int) -> list[str]:
    return [f"{start.year}年{start.month}月" for start in actuals.month_starts(year)]


def _plan_state(plan) -> str:
    if plan is None:
        return "none"
    return "accepted" if plan.accepted else "draft"


# --- Month-by-month panels (hub and national) ------------------------------------------------
@dataclass
class Panel:
    """One indicator: 12 months of target and actual, and the year to date."""

    indicator: object
    months: list  # [(label, target, actual)]
    target_year: object
    target_to_date: object
    actual_to_date: object
    chart: dict  # for json_script
    key: str = ""  # tells apart the charts of several bureaus on one page

    @property
    def dom_id(self) -> str:
        return f"chart-{self.key}{self.indicator.code}"


def _panels(year: int, tally: actuals.Tally, targets: dict | None, *,
            key: str = "") -> list[Panel]:
    labels = _month_labels(year)
    monthly, yearly = tally.monthly(), tally.yearly()
    elapsed = actuals.months_elapsed(year)
    panels = []
    for indicator in STANDARD:
        code = indicator.code
        target = (targets or {}).get(code) or {"year": None, "months": [None] * actuals.MONTHS}
        if indicator.is_count:
            month_targets = list(target["months"])
        else:  # a rate for the year: the same line every month
            month_targets = [target["year"]] * actuals.MONTHS
        panels.append(Panel(
            indicator=indicator,
            months=list(zip(labels, month_targets, monthly[code], strict=True)),
            target_year=target["year"],
            target_to_date=(actuals.target_to_date(code, target, elapsed)
                            if targets is not None else None),
            actual_to_date=yearly[code],
            chart={"labels": labels, "actual": monthly[code], "target": month_targets,
                   "unit": indicator.unit, "actualLabel": _("Actual"),
                   "targetLabel": _("Target")},
            key=key,
        ))
    return panels


def _month_sheet(book, title: str, year: int, groups: list[tuple[str, list[Panel]]], *,
                 group_header: str | None = None) -> None:
    """One row per indicator and month; with `group_header`, a first column names the group
    (the bureau) of each block of panels."""
    labels = _month_labels_ja(year)
    with book.table(title) as table:
        table.header(([group_header] if group_header else []) + MONTH_HEADERS)
        for group, panels in groups:
            for panel in panels:
                for label, target, actual, number_format in _month_rows(labels, panel):
                    table.row(([group] if group_header else []) + [
                        INDICATOR_LABELS_JA[panel.indicator.code],
                        UNIT_LABELS_JA[panel.indicator.unit], label,
                        _number(target, number_format), _number(actual, number_format)])


# --- Priority areas ----------------------------------------------------------------------------
PRIORITY_HEADERS = ["重点分野", "測定方法", "単位", "年間目標", "今日までの目標", "今日までの実績",
                    "達成度（％）"]


@dataclass
class HubPriorities:
    """A hub's priority areas against their actuals, and their mean attainment."""

    hub: Hub
    plan_state: str
    rows: list  # [attainment.AttainmentRow]

    @property
    def mean(self) -> float | None:
        return attainment.mean_attainment(self.rows)


def _priorities(year: int, hubs: list[Hub], plans: dict) -> list[HubPriorities]:
    """The priority areas of each hub's plan (accepted, else the draft) against their
    actuals to date: one query per kind of measure in use, one for the topics' names."""
    with_areas = {h.pk: plans[h.pk] for h in hubs if h.pk in plans and plans[h.pk].priorities}
    if not with_areas:
        return []
    counted = measures.actuals(hub_priorities={h: p.priorities for h, p in with_areas.items()},
                               fiscal_year=year)
    names = attainment.priority_names(with_areas.values())
    elapsed = actuals.months_elapsed(year)
    return [HubPriorities(hub=hub, plan_state=_plan_state(plans[hub.pk]),
                          rows=attainment.priority_rows(plans[hub.pk].priorities,
                                                        counted[hub.pk], elapsed, names))
            for hub in hubs if hub.pk in with_areas]


@dataclass
class PrioritySummary:
    """A bureau's (or the nation's) priority areas over its hubs with an accepted plan."""

    name: str
    hubs: int  # hubs with an accepted plan that name priority areas
    areas: int
    met: int  # areas whose attainment is 100
    mean: float | None


def _priority_summary(name: str, counted: list[HubPriorities]) -> PrioritySummary:
    rows = [row for hub in counted if hub.plan_state == "accepted" for row in hub.rows]
    return PrioritySummary(
        name=name, hubs=sum(1 for hub in counted if hub.plan_state == "accepted"),
        areas=len(rows), met=sum(1 for row in rows if row.attainment == 100),
        mean=attainment.mean_attainment(rows))


def _priority_sheet(book, title: str, hubs: list[HubPriorities]) -> None:
    """One row per priority area, in Japanese whatever the user's language; no sheet when no
    plan names any (a CSV download stays one file)."""
    if not hubs:
        return
    with translation.override("ja"), book.table(title) as table:
        table.header(["経済産業局", "拠点", "計画", *PRIORITY_HEADERS])
        for hub in hubs:
            for row in hub.rows:
                number_format = PERCENT_FORMAT if row.unit == "percent" else None
                table.row([hub.hub.bureau.name_ja, hub.hub.prefecture_ja,
                           PLAN_LABELS_JA[hub.plan_state], row.label, row.measure,
                           UNIT_LABELS_JA[row.unit], _number(row.target_year, number_format),
                           _number(row.target_to_date, number_format),
                           _number(row.actual, number_format),
                           _number(row.attainment, PERCENT_FORMAT)])


def _priority_summary_sheet(book, summaries: list[PrioritySummary]) -> None:
    with book.table("重点分野（経済産業局別）") as table:
        table.header(["経済産業局", "受理済み計画の拠点数", "重点分野の数", "達成した分野の数",
                      "平均達成度（％）"])
        for summary in summaries:
            table.row([summary.name, summary.hubs, summary.areas, summary.met,
                       _number(summary.mean, PERCENT_FORMAT)])


def _number(value, number_format: str | None):
    return Formatted(value, number_format) if number_format else value


def _month_rows(labels: list[str], panel: Panel) -> list[tuple]:
    unit = panel.indicator.unit
    number_format = PERCENT_FORMAT if unit == "percent" else None
    rows = [(label, target, actual) for label, (_label, target, actual)
            in zip(labels, panel.months, strict=True)]
    rows += [("今日までの累計（当月分は日割り）" if unit == "count" else "今日までの率",
              panel.target_to_date, panel.actual_to_date),
             ("年間目標", panel.target_year, None)]
    return [(*row, number_format) for row in rows]


# --- The hub ---------------------------------------------------------------------------------
def hub_dashboard(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_PLAN)
    year = _year(request)
    plan = actuals.hub_targets(hub_ids=[hub.pk], fiscal_year=year).get(hub.pk)
    tally = actuals.tallies(hub_ids=[hub.pk], fiscal_year=year)[None]
    panels = _panels(year, tally, plan.targets if plan else None)
    priorities = _priorities(year, [hub], {hub.pk: plan} if plan else {})
    if chosen := requested_format(request):
        book = book_for(chosen)
        _month_sheet(book, "計画と実績", year, [("", panels)])
        _priority_sheet(book, "重点分野", priorities)
        return download_response(book, filename=f"{hub.prefecture_ja}_{year}年度_計画と実績",
                                 fallback=f"plan-actuals-{hub.jis_code}-{year}")
    return render(request, "evaluation/plans/dashboard_hub.html", {
        "hub": hub, "year": year, "year_label": fiscal.fiscal_year_label(year),
        "plan": plan, "plan_state": _plan_state(plan), "panels": panels,
        "priorities": priorities,  # the hub's, or none
    })


# --- Summaries (bureau and national) ---------------------------------------------------------
@dataclass
class SummaryRow:
    """The year's target against the actual to date, per indicator, of a hub or a bureau."""

    name: str
    bureau_name: str
    plan_state: str  # accepted / draft / none (hub rows); "" for bureau rows
    accepted_plans: int | None  # bureau rows: how many of its hubs have an accepted plan
    hubs: int | None
    cells: list  # [(indicator, target_year, actual_to_date)]
    jis_code: str = ""  # hub rows: links to the hub's dashboard


def _hub_row(hub: Hub, plan, tally: actuals.Tally) -> SummaryRow:
    yearly = tally.yearly()
    targets = plan.targets if plan else {}
    return SummaryRow(
        name=hub.prefecture, bureau_name=hub.bureau.name, plan_state=_plan_state(plan),
        accepted_plans=None, hubs=None,
        cells=[(i, (targets.get(i.code) or {}).get("year"), yearly[i.code]) for i in STANDARD],
        jis_code=hub.jis_code)


def _summed_targets(plans: list) -> dict:
    """The sum of count targets (year and months; a month is None unless some hub set it)
    and the mean of rate targets, over the given plans' targets."""
    found = {}
    for indicator in STANDARD:
        entries = [p.targets[indicator.code] for p in plans]
        years = [e["year"] for e in entries if e["year"] is not None]
        if indicator.is_count:
            months = []
            for i in range(actuals.MONTHS):
                values = [e["months"][i] for e in entries if e["months"][i] is not None]
                months.append(sum(values) if values else None)
            found[indicator.code] = {"year": sum(years) if years else None, "months": months}
        else:
            mean = round(sum(years) / len(years), 1) if years else None
            found[indicator.code] = {"year": mean, "months": [None] * actuals.MONTHS}
    return found


# --- Which hubs a total counts ----------------------------------------------------------------
@dataclass
class Coverage:
    """The hubs of a bureau's or the nation's total: those with an accepted plan (`counted`),
    so that its actuals cover exactly the hubs whose targets are summed. The others are left
    out of targets and actuals alike, and named on the page."""

    counted: list[Hub]
    drafts: list[Hub]  # a plan, not yet accepted
    without: list[Hub]  # no plan for the year

    @property
    def missing(self) -> list[tuple[Hub, str]]:
        return [(h, "draft") for h in self.drafts] + [(h, "none") for h in self.without]


def _coverage(hubs: list[Hub], plans: dict) -> Coverage:
    states = {hub.pk: _plan_state(plans.get(hub.pk)) for hub in hubs}
    return Coverage(counted=[h for h in hubs if states[h.pk] == "accepted"],
                    drafts=[h for h in hubs if states[h.pk] == "draft"],
                    without=[h for h in hubs if states[h.pk] == "none"])


@dataclass
class Total:
    """A bureau's or the nation's figures over the hubs it counts."""

    coverage: Coverage
    tally: actuals.Tally
    targets: dict | None  # None when no hub has an accepted plan: nothing to compare


def _total(hubs: list[Hub], plans: dict, tallies: dict, year: int) -> Total:
    coverage = _coverage(hubs, plans)
    if not coverage.counted:
        # Tally(started=0) reads as "no figure" in every month and for the year.
        return Total(coverage, actuals.Tally(started=0), None)
    tally = actuals.empty_tally(year)
    for hub in coverage.counted:
        tally = tally + tallies.get(hub.pk, actuals.empty_tally(year))
    return Total(coverage, tally, _summed_targets([plans[h.pk] for h in coverage.counted]))


def _bureau_row(bureau, hubs: list[Hub], total: Total) -> SummaryRow:
    yearly = total.tally.yearly()
    targets = total.targets or {}
    return SummaryRow(
        name=bureau.name, bureau_name=bureau.name, plan_state="",
        accepted_plans=len(total.coverage.counted), hubs=len(hubs),
        cells=[(i, (targets.get(i.code) or {}).get("year"), yearly[i.code]) for i in STANDARD])


def _withhold_satisfaction(rows: list[tuple[SummaryRow, actuals.Tally]]) -> None:
    """Rows shown beside the total they add up to (hubs beside their bureau's, bureaus beside
    the nation's): a row's satisfaction is withheld when the total minus the rows shown would
    reveal a group of fewer answers than the minimum (figures.satisfaction_withholding)."""
    hidden = figures.satisfaction_withholding([sum(tally.answers) for _row, tally in rows])
    for (row, _tally), hide in zip(rows, hidden, strict=True):
        if hide:
            row.cells = [(i, target, None if i.code == "satisfaction" else actual)
                         for i, target, actual in row.cells]


def _summary_headers() -> list[str]:
    headers = list(SUMMARY_HEADERS)
    for indicator in STANDARD:
        label = INDICATOR_LABELS_JA[indicator.code]
        unit = "（％）" if not indicator.is_count else ""
        headers += [f"{label}{unit} 年間目標", f"{label}{unit} 今日までの実績"]
    return headers


def _summary_sheet(book, title: str, rows: list[SummaryRow], *, first_header="拠点",
                   plan_header="計画") -> None:
    headers = _summary_headers()
    headers[1], headers[2] = first_header, plan_header
    with book.table(title, freeze_columns=3) as table:
        table.header(headers)
        for row in rows:
            plan = (PLAN_LABELS_JA[row.plan_state] if row.plan_state
                    else f"{row.accepted_plans}／{row.hubs}")
            values = [row.bureau_name, row.name, plan]
            for indicator, target, actual in row.cells:
                number_format = None if indicator.is_count else PERCENT_FORMAT
                values += [_number(target, number_format), _number(actual, number_format)]
            table.row(values)


def _hubs_by_bureau(hub_ids) -> list[tuple]:
    hubs = Hub.objects.select_related("bureau").order_by("bureau__sort_order", "jis_code")
    if hub_ids is not None:
        hubs = hubs.filter(pk__in=sorted(hub_ids))
    groups: list[tuple] = []
    for hub in hubs:
        if not groups or groups[-1][0].pk != hub.bureau_id:
            groups.append((hub.bureau, []))
        groups[-1][1].append(hub)
    return groups



@dataclass
class BureauSection:
    """A bureau on the bureau page: its months over the hubs it counts, and every hub."""

    bureau: object
    rows: list[SummaryRow]
    coverage: Coverage
    panels: list[Panel]
    priorities: list[HubPriorities]
    priority_summary: PrioritySummary

    @property
    def dom_suffix(self) -> str:
        return f"-{self.bureau.pk}"


def _coverage_sheet(book, sections: list[tuple[str, Coverage]]) -> None:
    """Which hubs each total counts, as the page says it."""
    with book.table("集計対象の拠点") as table:
        table.header(["集計", "拠点", "計画", "集計に含む"])
        for name, coverage in sections:
            for hub in coverage.counted:
                table.row([name, hub.prefecture_ja, PLAN_LABELS_JA["accepted"], "含む"])
            for hub, state in coverage.missing:
                table.row([name, hub.prefecture_ja, PLAN_LABELS_JA[state], "含まない"])


def bureau_dashboard(request):
    access = hub_access(request.user)
    if is_hq(request.user):
        hub_ids = None  # every hub, grouped by bureau
    else:
        hub_ids = access.hub_ids(REVIEW_PLAN)
        if not hub_ids:
            raise PermissionDenied
    year = _year(request)
    groups = _hubs_by_bureau(hub_ids)
    plans = actuals.hub_targets(hub_ids=hub_ids, fiscal_year=year)
    tallies = actuals.tallies(hub_ids=hub_ids, fiscal_year=year, by_hub=True)
    priorities = _priorities(year, [h for _b, hubs in groups for h in hubs], plans)
    empty = actuals.empty_tally(year)
    sections = []
    for bureau, hubs in groups:
        total = _total(hubs, plans, tallies, year)
        rows = [_hub_row(h, plans.get(h.pk), tallies.get(h.pk, empty)) for h in hubs]
        _withhold_satisfaction([(row, tallies.get(h.pk, empty))
                                for h, row in zip(hubs, rows, strict=True)
                                if h in total.coverage.counted])  # the hubs in the total
        areas = [hub for hub in priorities if hub.hub.bureau_id == bureau.pk]
        sections.append(BureauSection(
            bureau=bureau, rows=rows, coverage=total.coverage,
            panels=_panels(year, total.tally, total.targets, key=f"b{bureau.pk}-"),
            priorities=areas, priority_summary=_priority_summary(bureau.name, areas)))
    if chosen := requested_format(request):
        book = book_for(chosen)
        _summary_sheet(book, "拠点別", [row for s in sections for row in s.rows])
        _month_sheet(book, "経済産業局別の月次", year,
                     [(s.bureau.name_ja, s.panels) for s in sections],
                     group_header="経済産業局")
        _coverage_sheet(book, [(s.bureau.name_ja, s.coverage) for s in sections])
        _priority_sheet(book, "重点分野（拠点別）", priorities)
        return download_response(book, filename=f"{year}年度_拠点別_計画と実績",
                                 fallback=f"plan-actuals-hubs-{year}")
    return render(request, "evaluation/plans/dashboard_bureau.html", {
        "year": year, "year_label": fiscal.fiscal_year_label(year), "sections": sections,
        "indicators": STANDARD, "is_hq": hub_ids is None,
    })


def national_dashboard(request):
    require(request.user, EVALUATE)
    year = _year(request)
    groups = _hubs_by_bureau(None)
    plans = actuals.hub_targets(hub_ids=None, fiscal_year=year)
    tallies = actuals.tallies(hub_ids=None, fiscal_year=year, by_hub=True)
    national = _total([h for _b, hubs in groups for h in hubs], plans, tallies, year)
    panels = _panels(year, national.tally, national.targets)
    totals = [_total(hubs, plans, tallies, year) for _b, hubs in groups]
    bureau_rows = [_bureau_row(bureau, hubs, total)
                   for (bureau, hubs), total in zip(groups, totals, strict=True)]
    _withhold_satisfaction([(row, total.tally)
                            for row, total in zip(bureau_rows, totals, strict=True)])
    # Accepted plans only: the nation's and each bureau's figures count like with like.
    priorities = _priorities(year, national.coverage.counted, plans)
    priority_rows = [_priority_summary(bureau.name, [h for h in priorities
                                                     if h.hub.bureau_id == bureau.pk])
                     for bureau, _hubs in groups]
    priority_total = _priority_summary(_("National"), priorities)
    if chosen := requested_format(request):
        book = book_for(chosen)
        _month_sheet(book, "全国", year, [("", panels)])
        _summary_sheet(book, "経済産業局別", bureau_rows, first_header="経済産業局",
                       plan_header="受理済み計画／拠点数")
        if priorities:  # no sheet when no accepted plan names priority areas
            with translation.override("ja"):
                _priority_summary_sheet(book, [
                    _priority_summary(bureau.name, [h for h in priorities
                                                    if h.hub.bureau_id == bureau.pk])
                    for bureau, _hubs in groups] + [_priority_summary(_("National"),
                                                                      priorities)])
        _coverage_sheet(book, [("全国", national.coverage)])
        return download_response(book, filename=f"{year}年度_全国_計画と実績",
                                 fallback=f"plan-actuals-national-{year}")
    return render(request, "evaluation/plans/dashboard_national.html", {
        "year": year, "year_label": fiscal.fiscal_year_label(year), "panels": panels,
        "bureau_rows": bureau_rows, "indicators": STANDARD, "coverage": national.coverage,
        "priority_rows": priority_rows, "priority_total": priority_total,
        "accepted_count": len(national.coverage.counted),
        "hub_count": sum(len(h) for _b, h in groups),
    })
