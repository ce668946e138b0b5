"""The hub's client satisfaction results: for everyone who may see the hub's figures, with
per-coordinator rows and clients' comments for those who lead the hub's staff."""

from django.http import Http404
from django.shortcuts import render

from hubs.roles import VIEW_AGGREGATES
from hubs.scoping import authorised_hub_or_404
from yorozu.core import fiscal, years

from .satisfaction_selectors import satisfaction_results as results_for

FIRST_YEAR, LAST_YEAR = years.FIRST_YEAR, years.LAST_YEAR


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", fiscal.current_fiscal_year()))
    except ValueError as exc:
        raise Http404 from exc
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def satisfaction_results(request, jis_code):
    authorised = authorised_hub_or_404(request.user, jis_code, VIEW_AGGREGATES)
    year = _year(request)
    return render(request, "evaluation/surveys/satisfaction_results.html", {
        "hub": authorised.hub, "year": year, "year_label": fiscal.fiscal_year_label(year),
        "picker": years.picker_for(year),
        **results_for(user=request.user, hub=authorised, fiscal_year=year)})
