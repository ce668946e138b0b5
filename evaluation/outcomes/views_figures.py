"""The outcome pages: a hub's (its staff and HQ: the figure, per coordinator, the milestones
and the clients behind it), a bureau's (its hubs' figures and its total, nothing more) and
HQ's (the nation, each bureau, each hub). Each downloads as Excel or CSV with ?format=, the
same table with the same cells withheld."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from consultations.services import personal_data_read_log
from evaluation import figures
from evaluation.permissions import EVALUATE
from hubs.access import hub_access, require
from hubs.roles import CHANGE_RECORDS, VIEW_RECORDS
from hubs.scoping import authorised_hub_or_404
from yorozu.core import fiscal, years
from yorozu.core.downloads import requested_format
from yorozu.core.tables import table_for

from . import exports, selectors
from .permissions import VIEW_OUTCOME_FIGURES
from .tables import OutcomeClientTable

PAGE_SIZE = 50


def _year(request) -> int:
    """The cohort's fiscal year: by default last year's clients, the latest whose figures
    after their first consultation can be in (a firm's period ends months after it)."""
    return years.requested_year(request) or fiscal.current_fiscal_year() - 1


def _context(year: int) -> dict:
    return {"year": year, "year_label": fiscal.fiscal_year_label(year),
            "picker": years.picker_for(year), "min_clients": figures.outcome_min_clients()}


def hub_outcomes(request, jis_code):
    authorised = authorised_hub_or_404(request.user, jis_code, VIEW_RECORDS)
    hub, year = authorised.hub, _year(request)
    found = selectors.hub_outcomes(hub=authorised, fiscal_year=year)
    if chosen := requested_format(request):
        rows = [("拠点", hub.prefecture_ja, found["total"])] + [
            ("コーディネーター", row.name_ja, row.figure) for row in found["coordinators"]]
        return exports.outcomes_file(
            rows, chosen=chosen, fiscal_year=year, milestones=found["milestones"],
            filename=f"{hub.prefecture_ja}_{year}年度_付加価値額",
            fallback=f"outcomes-{jis_code}-{year}")
    table = table_for(OutcomeClientTable(OutcomeClientTable.shown(
        selectors.outcome_clients(hub=authorised, fiscal_year=year)), order_by="client"),
        request, per_page=PAGE_SIZE)
    logged = hub_access(request.user).is_national  # the clients' figures: HQ's reads
    if logged:
        personal_data_read_log(user=request.user, client=None, hub_id=hub.pk,
                               what="outcome_clients", rows=table.page.paginator.count,
                               detail=f"fiscal year {year}")
    return render(request, "evaluation/outcomes/hub.html", {
        "hub": hub, **found, "table": table, "page": table.page, "logged": logged,
        "can_change": hub_access(request.user).can(CHANGE_RECORDS, hub.pk),
        **_context(year)})


def bureau_outcomes(request):
    if not hub_access(request.user).anywhere(VIEW_OUTCOME_FIGURES):
        raise PermissionDenied
    year = _year(request)
    sections = selectors.bureau_outcomes(user=request.user, fiscal_year=year)
    if chosen := requested_format(request):
        rows = []
        for section in sections:
            rows.append(("経済産業局", section.name_ja, section.figure))
            rows += [("拠点", hub.name_ja, hub.figure) for hub in section.hubs]
        return exports.outcomes_file(rows, chosen=chosen, fiscal_year=year,
                                     filename=f"{year}年度_管轄拠点_付加価値額",
                                     fallback=f"outcomes-bureau-{year}")
    return render(request, "evaluation/outcomes/bureau.html", {"sections": sections,
                                                               **_context(year)})


def national_outcomes(request):
    require(request.user, EVALUATE)
    year = _year(request)
    found = selectors.national_outcomes(fiscal_year=year)
    if chosen := requested_format(request):
        rows = [("全国", "全国", found["national"])]
        rows += [("経済産業局", s.name_ja, s.figure) for s in found["bureaus"]]
        rows += [("拠点", hub.name_ja, hub.figure) for s in found["bureaus"] for hub in s.hubs]
        return exports.outcomes_file(rows, chosen=chosen, fiscal_year=year,
                                     filename=f"{year}年度_全国_付加価値額",
                                     fallback=f"outcomes-national-{year}")
    return render(request, "evaluation/outcomes/national.html", {**found, **_context(year)})
