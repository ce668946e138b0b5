"""Starting report jobs, from a page or from celery beat."""

from datetime import date

from django.db import transaction

from hubs.models import Hub
from yorozu.core.downloads import XLSX
from yorozu.jobs.models import Job
from yorozu.jobs.services import job_start

from .jobs import HUB_MONTHLY, NATIONAL_FY
from .selectors import previous_month

UNFINISHED = (Job.Status.PENDING, Job.Status.RUNNING)


def _format(chosen: str) -> tuple[dict, dict]:
    """The job's params for a file format, and the filter that finds jobs of that format.
    Excel names no format, like the jobs the monthly schedule starts."""
    if chosen == XLSX:
        return {}, {"params__format__isnull": True}
    return {"format": chosen}, {"params__format": chosen}


def report_hub_start(*, hub: Hub, year: int, month: int, by,
                     chosen: str = XLSX) -> tuple[Job, bool]:
    """Starts a hub's monthly report, unless one for the same month and file format is still
    being built (a double click, or two people at once). Returns the job and whether it is
    new."""
    extra, same_format = _format(chosen)
    params = {"year": year, "month": month, **extra}
    running = Job.objects.filter(kind=HUB_MONTHLY, hub=hub, params__year=year,
                                 params__month=month, status__in=UNFINISHED,
                                 **same_format).first()
    if running is not None:
        return running, False
    return job_start(kind=HUB_MONTHLY, by=by, hub=hub, params=params), True


def report_national_start(*, fiscal_year: int, by, chosen: str = XLSX) -> tuple[Job, bool]:
    extra, same_format = _format(chosen)
    params = {"fiscal_year": fiscal_year, **extra}
    running = Job.objects.filter(kind=NATIONAL_FY, scope=Job.Scope.NATIONAL,
                                 params__fiscal_year=fiscal_year,
                                 status__in=UNFINISHED, **same_format).first()
    if running is not None:
        return running, False
    return job_start(kind=NATIONAL_FY, by=by, params=params), True


@transaction.atomic
def monthly_reports_start(*, today: date) -> list[Job]:
    """Every hub's report for last month. The dedupe key (hub and month) makes a second
    firing of the schedule return the same jobs rather than start new ones."""
    month = previous_month(today)
    return [job_start(kind=HUB_MONTHLY, hub=hub, params={"year": month.year,
                                                         "month": month.month},
                      dedupe_key=f"{HUB_MONTHLY}:{hub.jis_code}:{month:%Y-%m}")
            for hub in Hub.objects.order_by("jis_code")]

