"""Plan dashboards: targets of the accepted plan against what hubs actually did.

- a hub (everyone who may see its plan): month by month, per standard indicator;
- a bureau (its hubs; HQ sees every hub, grouped by bureau): the year's target against the
  actual to date, per hub;
- national (HQ): the network's months against the sum of the hubs' accepted targets, and a
  summary per bureau.

Every page is a chart (Chart.js, drawn by static/js/plan_charts.js from json_script data) with a
table of the same numbers beside it, and downloads as Excel with ?format=xlsx. Each page runs a
fixed number of queries whatever the data size (actuals are GROUP BY queries)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook

from consultations.exports import cell, header_row, workbook_bytes, xlsx_response
from hubs.access import hub_access
from hubs.models import Hub
from hubs.roles import EVALUATE, REVIEW_PLAN, VIEW_PLAN
from hubs.scoping import hub_for_user_or_404
from yorozu import fiscal

from . import actuals
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


def _wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


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

    @property
    def dom_id(self) -> str:
        return f"chart-{self.indicator.code}"


def _panels(year: int, tally: actuals.Tally, targets: dict | None) -> list[Panel]:
    labels = _month_labels(year)
    monthly, yearly = tally.monthly(), tally.yearly()
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
            target_to_date=(actuals.target_to_date(code, target, tally.started)
                            if targets is not None else None),
            actual_to_date=yearly[code],
            chart={"labels": labels, "actual": monthly[code], "target": month_targets,
                   "unit": indicator.unit, "actualLabel": _("Actual"),
                   "targetLabel": _("Target")},
        ))
    return panels


def _month_sheet(workbook, title: str, year: int, panels: list[Panel]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append(header_row(sheet, MONTH_HEADERS))
    labels = _month_labels_ja(year)
    for panel in panels:
        code, unit = panel.indicator.code, panel.indicator.unit
        number_format = PERCENT_FORMAT if unit == "percent" else None
        rows = [(label, target, actual) for label, (_label, target, actual)
                in zip(labels, panel.months, strict=True)]
        rows += [("今日までの累計" if unit == "count" else "今日までの率",
                  panel.target_to_date, panel.actual_to_date),
                 ("年間目標", panel.target_year, None)]
        for label, target, actual in rows:
            sheet.append([cell(sheet, INDICATOR_LABELS_JA[code]),
                          cell(sheet, UNIT_LABELS_JA[unit]), cell(sheet, label),
                          cell(sheet, target, number_format=number_format),
                          cell(sheet, actual, number_format=number_format)])


# --- The hub ---------------------------------------------------------------------------------
def hub_dashboard(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_PLAN)
    year = _year(request)
    plan = actuals.hub_targets(hub_ids=[hub.pk], fiscal_year=year).get(hub.pk)
    tally = actuals.tallies(hub_ids=[hub.pk], fiscal_year=year)[None]
    panels = _panels(year, tally, plan.targets if plan else None)
    if _wants_xlsx(request):
        workbook = Workbook(write_only=True)
        _month_sheet(workbook, "計画と実績", year, panels)
        return xlsx_response(
            workbook_bytes(workbook),
            filename=f"{hub.prefecture_ja}_{year}年度_計画と実績.xlsx",
            fallback=f"plan-actuals-{hub.jis_code}-{year}.xlsx")
    return render(request, "evaluation/plans/dashboard_hub.html", {
        "hub": hub, "year": year, "year_label": fiscal.fiscal_year_label(year),
        "plan": plan, "plan_state": _plan_state(plan), "panels": panels,
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


def _bureau_row(bureau, hubs: list[Hub], plans: dict, tallies: dict, year: int) -> SummaryRow:
    tally = actuals.empty_tally(year)
    for hub in hubs:
        tally = tally + tallies.get(hub.pk, actuals.empty_tally(year))
    accepted = [plans[h.pk] for h in hubs if h.pk in plans and plans[h.pk].accepted]
    targets = _summed_targets(accepted)
    yearly = tally.yearly()
    return SummaryRow(
        name=bureau.name, bureau_name=bureau.name, plan_state="",
        accepted_plans=len(accepted), hubs=len(hubs),
        cells=[(i, targets[i.code]["year"], yearly[i.code]) for i in STANDARD])


def _summary_headers() -> list[str]:
    headers = list(SUMMARY_HEADERS)
    for indicator in STANDARD:
        label = INDICATOR_LABELS_JA[indicator.code]
        unit = "（％）" if not indicator.is_count else ""
        headers += [f"{label}{unit} 年間目標", f"{label}{unit} 今日までの実績"]
    return headers


def _summary_sheet(workbook, title: str, rows: list[SummaryRow], *, first_header="拠点",
                   plan_header="計画") -> None:
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "D2"
    headers = _summary_headers()
    headers[1], headers[2] = first_header, plan_header
    sheet.append(header_row(sheet, headers))
    for row in rows:
        plan = (PLAN_LABELS_JA[row.plan_state] if row.plan_state
                else f"{row.accepted_plans}／{row.hubs}")
        values = [cell(sheet, row.bureau_name), cell(sheet, row.name), cell(sheet, plan)]
        for indicator, target, actual in row.cells:
            number_format = None if indicator.is_count else PERCENT_FORMAT
            values += [cell(sheet, target, number_format=number_format),
                       cell(sheet, actual, number_format=number_format)]
        sheet.append(values)


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


def _is_hq(user) -> bool:
    return hub_access(user).can(EVALUATE, None)


def bureau_dashboard(request):
    access = hub_access(request.user)
    if _is_hq(request.user):
        hub_ids = None  # every hub, grouped by bureau
    else:
        hub_ids = access.hub_ids(REVIEW_PLAN)
        if not hub_ids:
            raise PermissionDenied
    year = _year(request)
    groups = _hubs_by_bureau(hub_ids)
    plans = actuals.hub_targets(hub_ids=hub_ids, fiscal_year=year)
    tallies = actuals.tallies(hub_ids=hub_ids, fiscal_year=year, by_hub=True)
    empty = actuals.empty_tally(year)
    sections = [(bureau, [_hub_row(h, plans.get(h.pk), tallies.get(h.pk, empty))
                          for h in hubs]) for bureau, hubs in groups]
    if _wants_xlsx(request):
        workbook = Workbook(write_only=True)
        _summary_sheet(workbook, "拠点別", [row for _b, rows in sections for row in rows])
        return xlsx_response(workbook_bytes(workbook),
                             filename=f"{year}年度_拠点別_計画と実績.xlsx",
                             fallback=f"plan-actuals-hubs-{year}.xlsx")
    return render(request, "evaluation/plans/dashboard_bureau.html", {
        "year": year, "year_label": fiscal.fiscal_year_label(year), "sections": sections,
        "indicators": STANDARD, "is_hq": hub_ids is None,
    })


def national_dashboard(request):
    if not _is_hq(request.user):
        raise PermissionDenied
    year = _year(request)
    groups = _hubs_by_bureau(None)
    plans = actuals.hub_targets(hub_ids=None, fiscal_year=year)
    tallies = actuals.tallies(hub_ids=None, fiscal_year=year, by_hub=True)
    total = actuals.empty_tally(year)
    for tally in tallies.values():
        total = total + tally
    accepted = [p for p in plans.values() if p.accepted]
    panels = _panels(year, total, _summed_targets(accepted))
    bureau_rows = [_bureau_row(bureau, hubs, plans, tallies, year) for bureau, hubs in groups]
    if _wants_xlsx(request):
        workbook = Workbook(write_only=True)
        _month_sheet(workbook, "全国", year, panels)
        _summary_sheet(workbook, "経済産業局別", bureau_rows, first_header="経済産業局",
                       plan_header="受理済み計画／拠点数")
        return xlsx_response(workbook_bytes(workbook),
                             filename=f"{year}年度_全国_計画と実績.xlsx",
                             fallback=f"plan-actuals-national-{year}.xlsx")
    return render(request, "evaluation/plans/dashboard_national.html", {
        "year": year, "year_label": fiscal.fiscal_year_label(year), "panels": panels,
        "bureau_rows": bureau_rows, "indicators": STANDARD,
        "accepted_count": len(accepted), "hub_count": sum(len(h) for _b, h in groups),
    })
