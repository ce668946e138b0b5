"""The report job kinds. Each run builds its whole file again from database aggregates and
replaces the job's result, so a run repeated after a crash (or on purpose) gives the same
file for the same data; there is no partial state to resume.

A job's params may name the file's `format` (yorozu/core/downloads.py: Excel, or CSV in CP932
or UTF-8); without it the file is Excel, as the monthly schedule makes it."""

import tempfile
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hubs.roles import VIEW_AGGREGATES
from yorozu.core import fiscal
from yorozu.core.downloads import XLSX, book_for, collector_paused
from yorozu.jobs.registry import register
from yorozu.jobs.services import job_hub, job_save_result

from . import selectors, workbooks

HUB_MONTHLY = "report_hub_monthly"
NATIONAL_FY = "report_national_fy"


def _month_of(job) -> date:
    return date(int(job.params["year"]), int(job.params["month"]), 1)


def _describe_month(job) -> str:
    return date_format(_month_of(job), "YEAR_MONTH_FORMAT")


def _describe_year(job) -> str:
    return fiscal.fiscal_year_label(int(job.params["fiscal_year"]))


@register(HUB_MONTHLY, label=_("Monthly hub report"), perm=VIEW_AGGREGATES,
          describe=_describe_month)
def report_hub_monthly(job, progress) -> None:
    month = _month_of(job)
    period = selectors.month_period(month.year, month.month)
    progress.total(3)
    hub = job_hub(job)  # the system path for the job's own hub (docs/permissions.md)
    sessions = _build(job, f"よろず月次報告_{job.hub.prefecture_ja}_{month:%Y}年{month:%m}月",
                      workbooks.hub_monthly, hub=hub, period=period, as_of=fiscal.today(),
                      progress=progress)
    progress.summary(gettext("Sessions in the month: %(n)s.") % {"n": sessions})


@register(NATIONAL_FY, label=_("National fiscal-year roll-up"), perm=VIEW_AGGREGATES,
          describe=_describe_year)
def report_national_fy(job, progress) -> None:
    year = int(job.params["fiscal_year"])
    sessions = _build(job, f"よろず全国集計_{year}年度", workbooks.national_fy,
                      fiscal_year=year, as_of=fiscal.today(), progress=progress)
    progress.summary(gettext("Sessions in the fiscal year, all hubs: %(n)s.")
                     % {"n": sessions})


def _build(job, name: str, fill, **arguments):
    """Fills a new book with `fill` (a report of workbooks.py) and makes it the job's result,
    named `name`; returns what `fill` returns. Built with the collector paused, the book
    dropped before it runs again (downloads.collector_paused)."""
    # A report's rows are aggregates (at most hubs × months × topics × channels): held in
    # memory while the file is written.
    with collector_paused():
        book = book_for(job_format(job), in_memory=True)
        result = fill(book, **arguments)
        _store(job, book, name)
        del book  # freed by the collection on the way out
    return result


def job_format(job) -> str:
    return job.params.get("format", XLSX)


def _store(job, book, name: str) -> None:
    """Writes the book to a scratch file of this worker and makes it the job's result (`name`
    and the format's extension), in place of any file an earlier run of the job left."""
    previous = job.result.name if job.result else None
    with tempfile.TemporaryFile(suffix=f".{book.extension}") as scratch:
        book.save(scratch)
        scratch.seek(0)
        job_save_result(job, scratch, f"{name}.{book.extension}")
    # Only once the new file is in place: a run that fails keeps the last good file.
    if previous and previous != job.result.name:
        job.result.storage.delete(previous)
