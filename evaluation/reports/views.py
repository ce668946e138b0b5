"""Report pages: ask for a file, watch it being built, download it. The files are built by
background jobs (jobs.py); these views only start them and list the latest."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hubs.access import authorise, hub_access
from hubs.scoping import hub_for_user_or_404
from yorozu.core import fiscal
from yorozu.core.tables import table_for
from yorozu.jobs.registry import KINDS
from yorozu.jobs.tables import JobTable

from . import selectors, services
from .forms import FiscalYearForm, MonthForm
from .jobs import HUB_MONTHLY, NATIONAL_FY


@require_http_methods(["GET", "POST"])
def report_hub(request, jis_code):
    # Whoever may see the hub's figures may also ask for them as a file.
    hub = hub_for_user_or_404(request.user, jis_code, KINDS[HUB_MONTHLY].perm)
    today = fiscal.today()
    form = MonthForm(request.POST or None, months=selectors.report_months(today=today),
                     initial_month=selectors.previous_month(today))
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        _job, started = services.report_hub_start(hub=hub, year=month.year,
                                                  month=month.month, by=request.user,
                                                  chosen=form.cleaned_data["format"])
        _tell(request, started, date_format(month, "YEAR_MONTH_FORMAT"))
        return redirect("reports:report_hub", jis_code=hub.jis_code)
    jobs = selectors.report_jobs(kind=HUB_MONTHLY,
                                 hub=authorise(request.user, KINDS[HUB_MONTHLY].perm, hub))
    return render(request, "evaluation/reports/report_hub.html", {
        "hub": hub, "form": form, "jobs": jobs, "jobs_table": _recent(request, jobs)})


@require_http_methods(["GET", "POST"])
def report_national(request):
    # Only a permission held everywhere (HQ's) covers every hub's figures.
    if hub_access(request.user).hub_ids(KINDS[NATIONAL_FY].perm) is not None:
        raise PermissionDenied
    form = FiscalYearForm(request.POST or None,
                          years=selectors.report_years(today=fiscal.today()))
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["fiscal_year"]
        _job, started = services.report_national_start(fiscal_year=year, by=request.user,
                                                       chosen=form.cleaned_data["format"])
        _tell(request, started, fiscal.fiscal_year_label(year))
        return redirect("reports:report_national")
    jobs = selectors.report_jobs(kind=NATIONAL_FY)
    return render(request, "evaluation/reports/report_national.html", {
        "form": form, "jobs": jobs, "jobs_table": _recent(request, jobs)})


def _recent(request, jobs) -> JobTable:
    """The latest report jobs (selectors.RECENT_JOBS), with their live progress: one page."""
    return table_for(JobTable(jobs, caption=_("Recent reports, newest first"),
                              job_header=_("Report"), exclude=("scope",),
                              empty_text=_("No reports yet.")), request, per_page=None)


def _tell(request, started: bool, period: str) -> None:
    if started:
        messages.success(request, _("The report for %(period)s is being prepared. It appears "
                                    "in the list below, ready to download, when it is "
                                    "finished.") % {"period": period})
    else:
        messages.info(request, _("A report for %(period)s is already being prepared. It "
                                 "appears in the list below when it is finished.")
                      % {"period": period})
