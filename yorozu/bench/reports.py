"""The report jobs against their SQL floor (`make bench`, docs/performance.md).

Each report job runs in-process through the worker's own step (yorozu.jobs.services.
job_perform: the kind's function behind the job's hub wall) on a job row that is never saved:
its progress and result updates match no row, so the bench writes nothing into the loaded
database, and the file goes to a scratch storage that is deleted afterwards. Its floor is the
data the file shows, fetched by hand in plain SQL (cursor.execute + fetchall), one GROUP BY per
figure over the records themselves, not the kept tallies: what no report of these figures can
undercut without keeping them elsewhere. Both are timed the same way, alternately, after one
untimed warm-up of each; the medians are reported."""

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.test.utils import override_settings

from evaluation.reports import jobs as report_jobs
from evaluation.reports.selectors import Period, fiscal_period, month_period, previous_month
from hubs.models import Hub
from yorozu.core import fiscal
from yorozu.core.downloads import CSV_CP932, XLSX
from yorozu.jobs.models import Job
from yorozu.jobs.services import Progress, job_perform

from .pages import HUB

# No job row has it (ids start at 1): the job's own updates by id change nothing.
UNSAVED_JOB_ID = -1
FOLLOWED_UP = "('reported', 'closed')"
WAITING = "('sent', 'acknowledged', 'acting')"


@dataclass
class Report:
    name: str
    job: Job
    floor: list[tuple[str, list]]  # the plain SQL statements and their parameters
    job_ms: list[float] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)

    def row(self) -> dict:
        job_ms, floor_ms = statistics.median(self.job_ms), statistics.median(self.floor_ms)
        return {"report": self.name, "job_ms": round(job_ms, 1), "floor_ms": round(floor_ms, 1),
                "ratio_to_floor": round(job_ms / floor_ms, 2), "runs": len(self.job_ms)}


def report_cases(*, today: date) -> list[Report]:
    """The national roll-up of the last complete fiscal year, and Tokyo's report of last
    month, each in Excel and in CSV."""
    year = fiscal.fiscal_year_of(today) - 1
    month = previous_month(today)
    tokyo = Hub.objects.get(jis_code=HUB)
    national, monthly = report_jobs.NATIONAL_FY, report_jobs.HUB_MONTHLY
    fy_floor = national_floor(period=fiscal_period(year), as_of=today)
    month_floor = hub_monthly_floor(hub_id=tokyo.pk, period=month_period(month.year, month.month),
                                    as_of=today)
    cases = []
    for chosen in (XLSX, CSV_CP932):
        cases.append(Report(f"national FY{year} roll-up ({chosen})",
                            _job(national, {"fiscal_year": year, "format": chosen}), fy_floor))
    for chosen in (XLSX, CSV_CP932):
        cases.append(Report(f"hub {HUB} monthly report {month:%Y-%m} ({chosen})",
                            _job(monthly, {"year": month.year, "month": month.month,
                                           "format": chosen}, hub=tokyo), month_floor))
    return cases


def _job(kind: str, params: dict, *, hub: Hub | None = None) -> Job:
    scope = Job.Scope.HUB if hub else Job.Scope.NATIONAL
    return Job(pk=UNSAVED_JOB_ID, kind=kind, scope=scope, hub=hub, params=params,
               status=Job.Status.RUNNING)


def bench_reports(*, runs: int, today: date | None = None,
                  report: Callable[[str], None] = print) -> list[dict]:
    cases = report_cases(today=today or fiscal.today())
    with tempfile.TemporaryDirectory() as scratch, override_settings(
            MEDIA_ROOT=scratch, STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                            "OPTIONS": {"location": scratch}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage."
                                           "StaticFilesStorage"}}):
        for case in cases:
            run_job(case.job), run_floor(case.floor)  # warm-up, untimed
            for _ in range(runs):
                case.floor_ms.append(_timed(run_floor, case.floor))
                case.job_ms.append(_timed(run_job, case.job))
            row = case.row()
            report(report_line(row))
    return [case.row() for case in cases]


def report_line(row: dict) -> str:
    return (f"{row['report']:<44} {row['job_ms']:9.1f} {row['floor_ms']:9.1f} "
            f"{row['ratio_to_floor']:6.2f}×")


def _timed(work: Callable, argument) -> float:
    started = time.perf_counter()
    work(argument)
    return (time.perf_counter() - started) * 1000


def run_job(job: Job) -> None:
    job_perform(job, Progress(job))


def run_floor(statements: list[tuple[str, list]]) -> None:
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


# --- The floors: what each file shows, in plain SQL ----------------------------------------
def national_floor(*, period: Period, as_of: date) -> list[tuple[str, list]]:
    """The national roll-up's data: hubs and topics (the names), the detail sheet's sessions
    per hub, month, topic and channel, and the per-hub sheet's sessions per month, new
    clients, follow-ups and satisfaction answers."""
    start, end = period.dates
    due_by = min(end, as_of)
    return [
        ("SELECT id, jis_code, prefecture_ja FROM hubs_hub", []),
        ("SELECT id, name_ja, sort_order FROM consultations_topic", []),
        ("SELECT s.hub_id, date_trunc('month', s.held_on)::date, ct.topic_id, s.channel, "
         "count(*) FROM consultations_session s "
         "LEFT JOIN consultations_case_topics ct ON ct.case_id = s.case_id "
         "WHERE s.held_on BETWEEN %s AND %s GROUP BY 1, 2, 3, 4", [start, end]),
        ("SELECT hub_id, date_trunc('month', held_on)::date, count(*) "
         "FROM consultations_session WHERE held_on BETWEEN %s AND %s GROUP BY 1, 2",
         [start, end]),
        ("SELECT hub_id, count(*) FROM consultations_client "
         "WHERE first_session_on BETWEEN %s AND %s GROUP BY 1", [start, end]),
        (f"SELECT hub_id, count(*), count(*) FILTER (WHERE status IN {FOLLOWED_UP}) "
         "FROM consultations_referral WHERE follow_up_due BETWEEN %s AND %s GROUP BY 1",
         [start, due_by]),
        ("SELECT hub_id, count(*), count(*) FILTER (WHERE overall >= 4) "
         "FROM evaluation_satisfactionresponse WHERE answered_on BETWEEN %s AND %s "
         "GROUP BY 1", [start, end]),
    ]


def hub_monthly_floor(*, hub_id: int, period: Period, as_of: date) -> list[tuple[str, list]]:
    """The hub's monthly report's data: the summary's figures, sessions per topic and
    channel, and sessions per coordinator present and channel (with their names)."""
    start, end = period.dates
    made_from, made_to = period.tokyo_bounds()
    return [
        ("SELECT channel, count(*) FROM consultations_session "
         "WHERE hub_id = %s AND held_on BETWEEN %s AND %s GROUP BY 1", [hub_id, start, end]),
        ("SELECT count(*) FROM consultations_client "
         "WHERE hub_id = %s AND first_session_on BETWEEN %s AND %s", [hub_id, start, end]),
        ("SELECT count(*) FILTER (WHERE opened_on BETWEEN %s AND %s), "
         "count(*) FILTER (WHERE opened_on BETWEEN %s AND %s AND depth = 'expert'), "
         "count(*) FILTER (WHERE status = 'resolved' AND closed_on BETWEEN %s AND %s), "
         "count(*) FILTER (WHERE status = 'closed' AND closed_on BETWEEN %s AND %s) "
         "FROM consultations_case WHERE hub_id = %s "
         "AND (opened_on BETWEEN %s AND %s OR closed_on BETWEEN %s AND %s)",
         [start, end] * 4 + [hub_id] + [start, end] * 2),
        ("SELECT count(*) FROM consultations_referral "
         "WHERE hub_id = %s AND created_at >= %s AND created_at < %s",
         [hub_id, made_from, made_to]),
        (f"SELECT count(*), count(*) FILTER (WHERE status IN {FOLLOWED_UP}), "
         "count(*) FILTER (WHERE status = 'lapsed'), "
         f"count(*) FILTER (WHERE status IN {WAITING} AND follow_up_due < %s) "
         "FROM consultations_referral WHERE hub_id = %s AND follow_up_due BETWEEN %s AND %s",
         [as_of, hub_id, start, min(end, as_of)]),
        ("SELECT count(*), count(*) FILTER (WHERE overall >= 4), avg(overall) "
         "FROM evaluation_satisfactionresponse "
         "WHERE hub_id = %s AND answered_on BETWEEN %s AND %s", [hub_id, start, end]),
        ("SELECT id, name_ja FROM consultations_topic ORDER BY sort_order, code", []),
        ("SELECT ct.topic_id, s.channel, count(*) FROM consultations_session s "
         "LEFT JOIN consultations_case_topics ct ON ct.case_id = s.case_id "
         "WHERE s.hub_id = %s AND s.held_on BETWEEN %s AND %s GROUP BY 1, 2",
         [hub_id, start, end]),
        ("SELECT u.id, u.family_name, u.given_name, s.channel, count(*) "
         "FROM consultations_session_coordinators sc "
         "JOIN consultations_session s ON s.id = sc.session_id "
         "JOIN accounts_user u ON u.id = sc.user_id "
         "WHERE s.hub_id = %s AND s.held_on BETWEEN %s AND %s GROUP BY 1, 2, 3, 4",
         [hub_id, start, end]),
    ]
