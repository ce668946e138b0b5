"""The bench's report table (`make bench`, yorozu/bench/reports.py): each report job is timed
through the worker's own step on a job row that is never saved, beside its floor, the plain
SQL of the figures its file shows; the run leaves no job behind and writes the table."""

import json
from datetime import date

import pytest
from django.db import connection

from consultations.models import Session
from evaluation.reports import selectors
from tests.consultations.factories import CaseFactory, SessionFactory
from yorozu.bench import reports
from yorozu.bench.run import write_results
from yorozu.jobs.models import Job

pytestmark = pytest.mark.needs_postgres

TODAY = date(2026, 5, 12)  # the last complete fiscal year is 2025, last month April 2026


@pytest.fixture
def sessions(cast):
    for hub, lead in ((cast.hub, cast.coordinator), (cast.other_hub, cast.outsider)):
        case = CaseFactory(hub=hub, lead=lead, opened_on=date(2025, 4, 1))
        for day, channel in ((date(2025, 4, 1), Session.Channel.VISIT),
                             (date(2025, 12, 24), Session.Channel.PHONE),
                             (date(2026, 4, 30), Session.Channel.ONLINE)):
            SessionFactory(hub=hub, case=case, held_on=day, channel=channel,
                           coordinators=[lead])
    no_topic = CaseFactory(hub=cast.hub, lead=cast.coordinator, opened_on=date(2026, 1, 5))
    no_topic.topics.clear()
    SessionFactory(hub=cast.hub, case=no_topic, held_on=date(2026, 1, 5),
                   coordinators=[cast.coordinator])
    return cast


def test_every_report_job_is_timed_against_its_floor_and_no_job_is_saved(sessions):
    rows = reports.bench_reports(runs=2, today=TODAY, report=lambda line: None)

    assert [row["report"] for row in rows] == [
        "national FY2025 roll-up (xlsx)", "national FY2025 roll-up (csv-cp932)",
        "hub 13 monthly report 2026-04 (xlsx)", "hub 13 monthly report 2026-04 (csv-cp932)"]
    for row in rows:
        assert row["runs"] == 2 and row["job_ms"] > 0 and row["floor_ms"] > 0
        # The ratio is of the unrounded medians.
        assert row["ratio_to_floor"] == pytest.approx(row["job_ms"] / row["floor_ms"], rel=0.1)
    assert not Job.objects.exists()


def test_the_national_floor_fetches_the_groups_the_detail_sheet_shows(sessions):
    period = selectors.fiscal_period(2025)
    floor = reports.national_floor(period=period, as_of=TODAY)
    detail_sql, params = floor[2]
    with connection.cursor() as cursor:
        cursor.execute(detail_sql, params)
        by_floor = sorted(cursor.fetchall(), key=repr)
    shown = selectors.national_detail_rows(period=period, hubs=selectors.hubs_in_order(),
                                           topics=list(selectors.Topic.objects.all()))

    assert sorted(shown, key=repr) == by_floor
    # Two hubs × April and December (April 2026 is the next year's), and Tokyo's session
    # without a topic.
    assert len(shown) == 5
    assert any(topic is None for _hub, _month, topic, _channel, _n in shown)


def test_the_bench_writes_the_report_table_beside_the_pages(tmp_path):
    row = {"report": "national FY2025 roll-up (xlsx)", "job_ms": 3000.0, "floor_ms": 2500.0,
           "ratio_to_floor": 1.2, "runs": 5}
    result = write_results(tmp_path, pages=[], reports=[row], load_average=(1.0, 1.0, 1.0),
                           settings_={"runs": 5, "database": "Prewarmed 10 MiB.",
                                      "cpu": "CPU reference: 2.00 s."})

    assert result["reports"] == [row]
    (written,) = tmp_path.glob("bench-*.json")
    assert json.loads(written.read_text())["reports"] == [row]
    (table,) = tmp_path.glob("bench-*.md")
    assert table.read_text().splitlines() == [
        f"Bench run {result['when']}. Prewarmed 10 MiB. CPU reference: 2.00 s. "
        "Load average at the end: (1.0, 1.0, 1.0).", "",
        "| report | job ms | SQL floor ms | job / floor |", "|---|---:|---:|---:|",
        "| national FY2025 roll-up (xlsx) | 3000.0 | 2500.0 | 1.2 |"]
