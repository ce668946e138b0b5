"""Excel reports as background jobs: every figure in the files equals a count run directly in
SQL over the same period (the month and fiscal-year edges, Tokyo midnight for timestamps), the
files belong to the hub behind them, a repeated run changes nothing, the schedule makes one job
per hub and month, and the pages run a fixed number of queries."""

import gc
import io
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from consultations.exports import CHANNEL_LABELS
from consultations.models import Case, Referral, Session, Topic
from evaluation.reports import schedule, workbooks
from evaluation.reports.jobs import HUB_MONTHLY, NATIONAL_FY
from evaluation.reports.selectors import month_period
from evaluation.surveys.models import SatisfactionResponse
from hubs.models import Hub
from tests import downloads
from tests.consultations.factories import (
    CaseFactory,
    ClientFactory,
    ReferralFactory,
    SessionFactory,
)
from tests.hubs.factories import AgencyFactory
from yorozu.core import fiscal
from yorozu.jobs.models import Job
from yorozu.jobs.services import job_execute, job_start

YEAR, MONTH = 2025, 4
APRIL = (date(2025, 4, 1), date(2025, 4, 30))
FY2025 = (date(2025, 4, 1), date(2026, 3, 31))
# April 2025 in Tokyo, as the UTC instants stored in created_at.
APRIL_UTC = ("2025-03-31 15:00:00", "2025-04-30 15:00:00")
CHANNELS = list(Session.Channel.values)
VISIT, OUTREACH, PHONE, ONLINE, EMAIL = (Session.Channel.VISIT, Session.Channel.OUTREACH,
                                         Session.Channel.PHONE, Session.Channel.ONLINE,
                                         Session.Channel.EMAIL)


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _topics(*codes):
    return list(Topic.objects.filter(code__in=codes))


def _case(hub, lead, opened_on, topics=("sales",), **fields):
    return CaseFactory(hub=hub, lead=lead, opened_on=opened_on, topics=_topics(*topics),
                       **fields)


def _sessions(case, *days_and_channels, coordinators=None):
    for day, channel in days_and_channels:
        SessionFactory(hub=case.hub, case=case, held_on=day, channel=channel,
                       coordinators=coordinators or [case.lead])


def _referral(case, *, created, due, status=Referral.Status.SENT):
    referral = ReferralFactory(hub=case.hub, case=case, agency=AgencyFactory(hub=case.hub),
                               follow_up_due=due, status=status)
    Referral.objects.filter(pk=referral.pk).update(created_at=created)
    return referral


def _answers(hub, coordinator, *days_and_scores):
    for day, overall in days_and_scores:
        SatisfactionResponse.objects.create(hub=hub, coordinator=coordinator, answered_on=day,
                                            overall=overall, understanding=4, usefulness=4,
                                            speed=4, recommend=4)


@pytest.fixture
def data(cast):
    """Two hubs' records around April 2025 and fiscal year 2025 (1 April 2025 to 31 March
    2026), with records on each side of every edge."""
    hub, other = cast.hub, cast.other_hub
    lead, chief = cast.coordinator, cast.chief

    # A returning client: first case in March (not new in April), another opened in April.
    returning = ClientFactory(hub=hub)
    march_case = _case(hub, lead, date(2025, 3, 20), client=returning)
    _sessions(march_case, (date(2025, 3, 31), VISIT))  # the day before the month and the year
    april_case = _case(hub, lead, date(2025, 4, 1), topics=("sales", "it_dx"),
                       client=returning, status=Case.Status.RESOLVED,
                       closed_on=date(2025, 4, 30))
    _sessions(april_case, (date(2025, 4, 1), VISIT), (date(2025, 4, 1), PHONE),
              (date(2025, 4, 15), ONLINE), coordinators=[lead, chief])
    # New in April: first case opened on 1 April; two topics, three channels.
    new = _case(hub, chief, date(2025, 4, 1), topics=("finance", "it_dx"),
                status=Case.Status.CLOSED, closed_on=date(2025, 4, 10))
    _sessions(new, (date(2025, 4, 30), EMAIL), (date(2025, 4, 2), OUTREACH))
    # New in May, and sessions at the far edges of the fiscal year.
    may = _case(hub, lead, date(2025, 5, 1), closed_on=date(2025, 5, 1),
                status=Case.Status.RESOLVED)
    _sessions(may, (date(2025, 5, 1), OUTREACH), (date(2026, 3, 31), VISIT),
              (date(2026, 4, 1), VISIT))

    # The other hub: its figures must never reach Tokyo's file.
    miyagi = _case(other, cast.outsider, date(2025, 4, 3), topics=("sales",))
    _sessions(miyagi, (date(2025, 4, 10), VISIT), (date(2025, 4, 20), PHONE),
              (date(2025, 4, 20), VISIT))

    # Referrals made on each side of Tokyo midnight, with follow-ups due in and after April.
    _referral(april_case, created=_utc(2025, 3, 31, 14, 59, 59), due=date(2025, 4, 5),
              status=Referral.Status.REPORTED)  # made 31 March in Tokyo
    _referral(april_case, created=_utc(2025, 3, 31, 15, 0, 0), due=date(2025, 4, 10),
              status=Referral.Status.CLOSED)  # made 1 April 00:00 in Tokyo
    _referral(new, created=_utc(2025, 4, 10, 3), due=date(2025, 4, 20),
              status=Referral.Status.LAPSED)
    _referral(new, created=_utc(2025, 4, 30, 14, 59, 59), due=date(2025, 4, 30))  # waiting
    _referral(new, created=_utc(2025, 4, 30, 15, 0, 0), due=date(2025, 5, 1),
              status=Referral.Status.ACTING)  # made 1 May in Tokyo
    _referral(miyagi, created=_utc(2025, 4, 5), due=date(2025, 4, 15))

    # Satisfaction: six answers in Tokyo's April (shown), two in Miyagi's (withheld).
    _answers(hub, lead, *[(date(2025, 4, d), s) for d, s in
                          [(1, 5), (5, 5), (9, 4), (12, 3), (20, 2), (30, 4)]])
    _answers(hub, lead, (date(2025, 3, 31), 1), (date(2025, 5, 1), 1))
    _answers(other, cast.outsider, (date(2025, 4, 2), 5), (date(2025, 4, 3), 1))
    return cast


def _run(kind, *, params, hub=None, by=None, capture):
    with capture(execute=True):
        job = job_start(kind=kind, by=by, hub=hub, params=params)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job


def _book(job):
    with job.result.open("rb") as stored:  # through the storage, as the download reads it
        return load_workbook(io.BytesIO(stored.read()), read_only=True)


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _sql(query: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _one(query: str, *params):
    return _sql(query, *params)[0][0]


# --- Raw SQL: the same figures, counted without the ORM -------------------------------------
def _sql_sessions(hub_id, start, end, channel=None):
    query = ("SELECT count(*) FROM consultations_session "
             "WHERE hub_id = %s AND held_on BETWEEN %s AND %s")
    if channel is None:
        return _one(query, hub_id, start, end)
    return _one(query + " AND channel = %s", hub_id, start, end, channel)


def _sql_new_clients(hub_id, start, end):
    """Clients whose first session, over all their cases, was held in the period."""
    return _one("SELECT count(*) FROM consultations_client c WHERE c.hub_id = %s AND "
                "(SELECT min(s.held_on) FROM consultations_session s JOIN consultations_case k "
                "ON k.id = s.case_id WHERE k.client_id = c.id) BETWEEN %s AND %s",
                hub_id, start, end)


def _sql_cases(hub_id, start, end):
    opened = _one("SELECT count(*) FROM consultations_case WHERE hub_id = %s "
                  "AND opened_on BETWEEN %s AND %s", hub_id, start, end)
    ended = "SELECT count(*) FROM consultations_case WHERE hub_id = %s AND status = %s " \
            "AND closed_on BETWEEN %s AND %s"
    return (opened, _one(ended, hub_id, "resolved", start, end),
            _one(ended, hub_id, "closed", start, end))


def _sql_follow_up(hub_id, start, end, today):
    # Due in the period and by the day the report was built (today).
    end = min(end, today)
    base = ("SELECT count(*) FROM consultations_referral WHERE hub_id = %s "
            "AND follow_up_due BETWEEN %s AND %s")
    return (_one(base, hub_id, start, end),
            _one(base + " AND status IN ('reported', 'closed')", hub_id, start, end),
            _one(base + " AND status = 'lapsed'", hub_id, start, end),
            _one(base + " AND status IN ('sent', 'acknowledged', 'acting') "
                 "AND follow_up_due < %s", hub_id, start, end, today))


def _sql_satisfaction(hub_id, start, end):
    return _sql("SELECT count(*), sum(CASE WHEN overall >= 4 THEN 1 ELSE 0 END), avg(overall) "
                "FROM evaluation_satisfactionresponse WHERE hub_id = %s "
                "AND answered_on BETWEEN %s AND %s", hub_id, start, end)[0]


# --- The hub's monthly report ----------------------------------------------------------------
def _summary(book) -> dict:
    return {row[0]: row[1] for row in _rows(book["概要"]) if row and row[0]}


def test_hub_monthly_report_figures_equal_sql_counts(data, django_capture_on_commit_callbacks):
    hub = data.hub
    job = _run(HUB_MONTHLY, hub=hub, by=data.chief, params={"year": YEAR, "month": MONTH},
               capture=django_capture_on_commit_callbacks)
    summary = _summary(_book(job))

    assert summary["対象月"] == "2025年4月（令和7年4月）"
    assert summary[workbooks.SESSIONS] == _sql_sessions(hub.pk, *APRIL) == 5
    for channel in CHANNELS:
        assert summary[workbooks.channel_label(channel)] == _sql_sessions(hub.pk, *APRIL,
                                                                          channel)
    assert summary[workbooks.NEW_CLIENTS] == _sql_new_clients(hub.pk, *APRIL) == 1
    opened, resolved, closed = _sql_cases(hub.pk, *APRIL)
    assert (summary[workbooks.CASES_OPENED], summary[workbooks.CASES_RESOLVED],
            summary[workbooks.CASES_CLOSED]) == (opened, resolved, closed) == (2, 1, 1)
    made = _one("SELECT count(*) FROM consultations_referral WHERE hub_id = %s "
                "AND created_at >= %s AND created_at < %s", hub.pk, *APRIL_UTC)
    assert summary[workbooks.REFERRALS_MADE] == made == 3  # midnight in Tokyo, not UTC
    due, answered, lapsed, overdue = _sql_follow_up(hub.pk, *APRIL, fiscal.today())
    assert (summary[workbooks.FOLLOW_UP_DUE], summary[workbooks.FOLLOW_UP_ANSWERED],
            summary[workbooks.FOLLOW_UP_LAPSED], summary[workbooks.FOLLOW_UP_OVERDUE]) == (
        due, answered, lapsed, overdue) == (4, 2, 1, 1)
    n, satisfied, average = _sql_satisfaction(hub.pk, *APRIL)
    assert summary[workbooks.SATISFACTION_N] == n == 6
    assert summary[workbooks.SATISFACTION_SHARE] == pytest.approx(satisfied / n)
    # float(): PostgreSQL's AVG is a Decimal.
    assert summary[workbooks.SATISFACTION_AVERAGE] == pytest.approx(float(average))


def test_topic_by_channel_sheet_counts_a_session_once_per_topic_and_totals_once(
        data, django_capture_on_commit_callbacks):
    hub = data.hub
    job = _run(HUB_MONTHLY, hub=hub, params={"year": YEAR, "month": MONTH},
               capture=django_capture_on_commit_callbacks)
    header, *rows = [r for r in _rows(_book(job)["相談分野×チャネル"]) if r and r[0]]
    assert header == ["相談分野", *(CHANNEL_LABELS[c] for c in CHANNELS), "計"]
    by_topic = {row[0]: row[1:] for row in rows}

    expected = Counter()
    for topic_id, channel, n in _sql(
            "SELECT ct.topic_id, s.channel, count(*) FROM consultations_session s "
            "JOIN consultations_case_topics ct ON ct.case_id = s.case_id "
            "WHERE s.hub_id = %s AND s.held_on BETWEEN %s AND %s "
            "GROUP BY ct.topic_id, s.channel", hub.pk, *APRIL):
        expected[(topic_id, channel)] = n
    for topic in Topic.objects.filter(is_active=True):
        cells = by_topic[topic.name_ja]
        assert cells[:-1] == [expected[(topic.pk, c)] for c in CHANNELS], topic.code
        assert cells[-1] == sum(cells[:-1])
    total = by_topic["合計（相談対応数）"]
    assert total[:-1] == [_sql_sessions(hub.pk, *APRIL, c) for c in CHANNELS]
    assert total[-1] == _sql_sessions(hub.pk, *APRIL) == 5
    # The April case has two topics: its three sessions appear under both.
    assert sum(by_topic[Topic.objects.get(code="it_dx").name_ja][:-1]) == 5


def test_coordinator_sheet_counts_sessions_per_coordinator_present(
        data, django_capture_on_commit_callbacks):
    hub = data.hub
    job = _run(HUB_MONTHLY, hub=hub, params={"year": YEAR, "month": MONTH},
               capture=django_capture_on_commit_callbacks)
    header, *rows = [r for r in _rows(_book(job)["コーディネーター別"])
                     if r and r[0] and not str(r[0]).startswith("注記")]
    assert header[:2] == ["コーディネーター", "相談対応数"]
    expected = dict(_sql(
        "SELECT sc.user_id, count(*) FROM consultations_session_coordinators sc "
        "JOIN consultations_session s ON s.id = sc.session_id "
        "WHERE s.hub_id = %s AND s.held_on BETWEEN %s AND %s GROUP BY sc.user_id",
        hub.pk, *APRIL))
    names = {u.get_full_name(): u.pk for u in (data.coordinator, data.chief, data.outsider)}
    assert {row[0]: row[1] for row in rows} == {
        name: expected[pk] for name, pk in names.items() if pk in expected}
    assert expected == {data.coordinator.pk: 3, data.chief.pk: 5}


def test_satisfaction_is_withheld_under_the_minimum_number_of_answers(
        data, django_capture_on_commit_callbacks):
    job = _run(HUB_MONTHLY, hub=data.other_hub, params={"year": YEAR, "month": MONTH},
               capture=django_capture_on_commit_callbacks)
    rows = {row[0]: row for row in _rows(_book(job)["概要"]) if row and row[0]}
    assert rows[workbooks.SATISFACTION_N][1] == 2 < settings.SATISFACTION_MIN_ANSWERS
    for label in (workbooks.SATISFACTION_SHARE, workbooks.SATISFACTION_AVERAGE):
        assert rows[label][1] is None
        assert "5件未満" in rows[label][2]
    assert rows[workbooks.SESSIONS][1] == _sql_sessions(data.other_hub.pk, *APRIL) == 3


def test_report_file_is_named_after_the_hub_and_month(data, django_capture_on_commit_callbacks):
    job = _run(HUB_MONTHLY, hub=data.hub, params={"year": YEAR, "month": MONTH},
               capture=django_capture_on_commit_callbacks)
    assert job.result_name == "よろず月次報告_東京都_2025年04月.xlsx"
    assert job.total == job.done == 3
    assert "5" in job.summary  # sessions in the month, shown on the jobs page
    assert "2025" in job.label and "4" in job.label


# --- The national roll-up --------------------------------------------------------------------
def _detail_expected() -> Counter:
    hubs = {h.pk: h.jis_code for h in Hub.objects.all()}
    topics = {t.pk: t.name_ja for t in Topic.objects.all()}
    expected = Counter()
    for hub_id, held_on, topic_id, channel in _sql(
            "SELECT s.hub_id, s.held_on, ct.topic_id, s.channel FROM consultations_session s "
            "JOIN consultations_case_topics ct ON ct.case_id = s.case_id "
            "WHERE s.held_on BETWEEN %s AND %s", *FY2025):
        expected[(hubs[hub_id], str(held_on)[:7], topics[topic_id],
                  CHANNEL_LABELS[channel])] += 1
    return expected


def test_national_detail_has_one_row_per_hub_month_topic_and_channel_equal_to_sql(
        data, django_capture_on_commit_callbacks):
    job = _run(NATIONAL_FY, by=data.hq, params={"fiscal_year": 2025},
               capture=django_capture_on_commit_callbacks)
    header, *rows = _rows(_book(job)["明細"])
    assert header == workbooks.DETAIL_HEADERS
    found = Counter()
    prefectures = dict(Hub.objects.values_list("jis_code", "prefecture_ja"))
    for jis, prefecture, month, topic, channel, n in rows:
        assert prefecture == prefectures[jis]
        assert month.day == 1  # a month is a real date: its first day, shown as 2025-04
        key = (jis, f"{month:%Y-%m}", topic, channel)
        assert key not in found, f"{key} appears twice"
        assert n > 0  # only combinations that happened
        found[key] = n
    assert found == _detail_expected()
    assert any(key[:2] == ("13", "2026-03") for key in found)  # 31 March 2026 is in it
    assert not any(month in ("2025-03", "2026-04") for _j, month, _t, _c in found)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # hubs in code order


def test_national_detail_is_in_file_order_with_sessions_of_cases_without_topics_last(
        data, django_capture_on_commit_callbacks):
    untopical = _case(data.hub, data.coordinator, date(2025, 4, 3))
    untopical.topics.clear()
    _sessions(untopical, (date(2025, 4, 3), VISIT), (date(2025, 4, 4), VISIT))
    job = _run(NATIONAL_FY, by=data.hq, params={"fiscal_year": 2025},
               capture=django_capture_on_commit_callbacks)
    _header, *rows = _rows(_book(job)["明細"])

    topics = {t.name_ja: (0, t.sort_order, t.pk) for t in Topic.objects.all()}
    channels = {label: code for code, label in CHANNEL_LABELS.items()}
    keys = [(jis, month, topics.get(topic, (1,)), channels[channel])
            for jis, _prefecture, month, topic, channel, _n in rows]
    assert keys == sorted(keys)  # hubs by code, months, topics in their order, channels
    tokyo_april = [row for row in rows if row[0] == "13" and f"{row[2]:%Y-%m}" == "2025-04"]
    assert tokyo_april[-1][3:] == [workbooks.NO_TOPIC, CHANNEL_LABELS[VISIT], 2]


def test_national_per_hub_sheet_equals_sql_counts(data, django_capture_on_commit_callbacks):
    job = _run(NATIONAL_FY, by=data.hq, params={"fiscal_year": 2025},
               capture=django_capture_on_commit_callbacks)
    header, *rows = [r for r in _rows(_book(job)["拠点別"]) if r and r[0]
                     and not str(r[0]).startswith("注記")]
    assert header[2:14] == [f"{m}月" for m in (*range(4, 13), 1, 2, 3)]
    # Trailing empty cells (withheld figures) are not stored: pad to the header's width.
    by_code = {row[0]: row + [None] * (len(header) - len(row)) for row in rows}
    assert len(by_code) == Hub.objects.count() + 1  # every hub, and 全国
    months = [date(2025 + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]
    today = fiscal.today()
    for hub in Hub.objects.all():
        row = by_code[hub.jis_code]
        assert row[1] == hub.prefecture_ja
        assert row[14] == _sql_sessions(hub.pk, *FY2025)
        assert row[15] == _sql_new_clients(hub.pk, *FY2025)
        due, answered, _lapsed, _overdue = _sql_follow_up(hub.pk, *FY2025, today)
        assert (row[16], row[17]) == (due, answered)
        assert row[18] == (round(100 * answered / due, 1) / 100 if due else None)
        n, satisfied, _average = _sql_satisfaction(hub.pk, *FY2025)
        assert row[19] == n
        assert row[20] == (satisfied / n if n >= settings.SATISFACTION_MIN_ANSWERS else None)
    for code in (data.hub.jis_code, data.other_hub.jis_code):
        hub = Hub.objects.get(jis_code=code)
        for i, first in enumerate(months):
            last = month_period(first.year, first.month).end
            assert by_code[code][2 + i] == _sql_sessions(hub.pk, first, last), (code, first)
    national = by_code["00"]
    assert national[1] == "全国"
    assert national[14] == _one("SELECT count(*) FROM consultations_session "
                                "WHERE held_on BETWEEN %s AND %s", *FY2025) == 10
    assert national[2] == 8 and national[13] == 1  # April, and 31 March 2026
    assert national[19] == 7 + 2  # Tokyo: April's six and 1 May's; Miyagi: two


def test_national_job_reports_progress_in_steps_of_hubs(data, django_capture_on_commit_callbacks):
    job = _run(NATIONAL_FY, by=data.hq, params={"fiscal_year": 2025},
               capture=django_capture_on_commit_callbacks)
    assert job.total == 2 * Hub.objects.count()
    assert job.done == job.total
    assert job.result_name == "よろず全国集計_2025年度.xlsx"


def test_a_report_is_built_with_the_collector_paused_and_leaves_it_running(
        data, monkeypatch, django_capture_on_commit_callbacks):
    collecting = []
    national_fy = workbooks.national_fy

    def watched(book, **arguments):
        collecting.append(gc.isenabled())
        return national_fy(book, **arguments)

    monkeypatch.setattr(workbooks, "national_fy", watched)
    _run(NATIONAL_FY, by=data.hq, params={"fiscal_year": 2025},
         capture=django_capture_on_commit_callbacks)
    assert collecting == [False]
    assert gc.isenabled()


# --- Running again ---------------------------------------------------------------------------
def _values(book) -> dict:
    return {name: _rows(book[name]) for name in book.sheetnames}


def test_running_a_finished_report_job_again_does_nothing(data,
                                                          django_capture_on_commit_callbacks):
    job = _run(HUB_MONTHLY, hub=data.hub, params={"year": YEAR, "month": MONTH},
               capture=django_capture_on_commit_callbacks)
    assert job_execute(job.pk) == "skipped"
    again = Job.objects.get(pk=job.pk)
    assert (again.result.name, again.attempts, again.finished_at) == (
        job.result.name, job.attempts, job.finished_at)


def test_rebuilding_a_report_gives_the_same_figures_and_replaces_the_file(
        data, django_capture_on_commit_callbacks):
    job = _run(HUB_MONTHLY, hub=data.hub, params={"year": YEAR, "month": MONTH},
               capture=django_capture_on_commit_callbacks)
    first_name, first = job.result.name, _values(_book(job))
    # As after a worker was killed mid-run: the job is waiting again and runs once more.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.PENDING)
    assert job_execute(job.pk) == Job.Status.DONE
    job.refresh_from_db()
    assert _values(_book(job)) == first
    storage = job.result.storage
    assert storage.exists(job.result.name) and not storage.exists(first_name)


# --- Who may download ------------------------------------------------------------------------
def test_another_hubs_report_cannot_be_downloaded(data, client,
                                                  django_capture_on_commit_callbacks):
    mine = _run(HUB_MONTHLY, hub=data.hub, by=data.chief, params={"year": YEAR, "month": 4},
                capture=django_capture_on_commit_callbacks)
    theirs = _run(HUB_MONTHLY, hub=data.other_hub, by=data.outsider,
                  params={"year": YEAR, "month": 4}, capture=django_capture_on_commit_callbacks)
    for user in (data.coordinator, data.chief, data.bureau):
        client.force_login(user)
        assert client.get(reverse("jobs:job_download", args=[theirs.pk])).status_code == 404
        assert client.get(reverse("jobs:job_download", args=[mine.pk])).status_code == 200
    client.force_login(data.hq)
    response = client.get(reverse("jobs:job_download", args=[theirs.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_bureau_cannot_see_a_national_job(data, client, django_capture_on_commit_callbacks):
    job = _run(NATIONAL_FY, by=data.hq, params={"fiscal_year": 2025},
               capture=django_capture_on_commit_callbacks)
    client.force_login(data.bureau)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 404
    assert "よろず全国集計" not in client.get(reverse("jobs:job_list")).content.decode()
    client.force_login(data.hq)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 200


# --- The schedule ----------------------------------------------------------------------------
def test_monthly_reports_schedule_twice_makes_one_job_per_hub(cast, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    monkeypatch.setattr(fiscal, "today", lambda: date(2026, 10, 1))
    with django_capture_on_commit_callbacks() as first:
        assert schedule.monthly_reports_schedule() == Hub.objects.count()
    with django_capture_on_commit_callbacks() as second:
        schedule.monthly_reports_schedule()
    jobs = Job.objects.filter(kind=HUB_MONTHLY)
    assert jobs.count() == Hub.objects.count() == 47
    assert len(first) == 47 and len(second) == 0  # the repeat enqueues nothing
    tokyo = jobs.get(hub=cast.hub)
    assert tokyo.params == {"year": 2026, "month": 9}
    assert tokyo.dedupe_key == "report_hub_monthly:13:2026-09"
    assert tokyo.started_by is None and tokyo.scope == Job.Scope.HUB


def test_a_scheduled_report_is_seen_by_the_hub_and_not_by_another(cast, client, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    monkeypatch.setattr(fiscal, "today", lambda: date(2026, 10, 1))
    with django_capture_on_commit_callbacks():
        schedule.monthly_reports_schedule()
    tokyo = Job.objects.get(kind=HUB_MONTHLY, hub=cast.hub)
    client.force_login(cast.outsider)
    assert client.get(reverse("jobs:job_status", args=[tokyo.pk])).status_code == 404
    client.force_login(cast.coordinator)
    page = client.get(reverse("reports:report_hub", args=[cast.hub.jis_code]))
    assert tokyo in page.context["jobs"]
    assert all(job.hub_id == cast.hub.pk for job in page.context["jobs"])


# --- Pages -----------------------------------------------------------------------------------
def test_report_page_offers_this_years_months_with_last_month_chosen(cast, client, monkeypatch):
    monkeypatch.setattr(fiscal, "today", lambda: date(2026, 11, 24))
    client.force_login(cast.coordinator)
    response = client.get(reverse("reports:report_hub", args=[cast.hub.jis_code]))
    choices = [value for value, _label in response.context["form"].fields["month"].choices]
    assert choices == [f"2026-{m:02d}" for m in range(11, 3, -1)]
    assert 'value="2026-10" selected' in response.content.decode()


def test_in_april_the_page_also_offers_the_year_just_ended(cast, client, monkeypatch):
    monkeypatch.setattr(fiscal, "today", lambda: date(2026, 4, 3))
    client.force_login(cast.coordinator)
    response = client.get(reverse("reports:report_hub", args=[cast.hub.jis_code]))
    choices = [value for value, _label in response.context["form"].fields["month"].choices]
    assert choices[0] == "2026-04" and choices[1] == "2026-03" and choices[-1] == "2025-04"
    assert 'value="2026-03" selected' in response.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "chief", "impl_org", "bureau", "hq"])
def test_everyone_who_reads_a_hubs_figures_can_ask_for_its_report(cast, client, role,
                                                                  django_capture_on_commit_callbacks):
    user = cast.by_role()[role]
    client.force_login(user)
    url = reverse("reports:report_hub", args=[cast.hub.jis_code])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": f"{fiscal.today():%Y-%m}"})
    assert response.status_code == 302 and response["Location"] == url
    job = Job.objects.get(kind=HUB_MONTHLY, hub=cast.hub)
    assert job.started_by == user and job.status == Job.Status.DONE
    assert job.params == {"year": fiscal.today().year, "month": fiscal.today().month}
    page = client.get(url)
    assert page.context["jobs"] == [job]
    assert reverse("jobs:job_download", args=[job.pk]) in page.content.decode()


def test_coordinator_cannot_ask_for_another_hubs_report(cast, client):
    client.force_login(cast.coordinator)
    url = reverse("reports:report_hub", args=[cast.other_hub.jis_code])
    assert client.post(url, {"month": f"{fiscal.today():%Y-%m}"}).status_code == 404
    assert not Job.objects.exists()


def test_a_month_outside_the_list_is_refused_inline(cast, client):
    client.force_login(cast.chief)
    url = reverse("reports:report_hub", args=[cast.hub.jis_code])
    response = client.post(url, {"month": "2019-04"})
    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Job.objects.exists()


def test_a_second_request_while_the_first_is_being_built_starts_nothing(cast, client):
    client.force_login(cast.chief)
    url = reverse("reports:report_hub", args=[cast.hub.jis_code])
    month = {"month": f"{fiscal.today():%Y-%m}"}
    client.post(url, month)  # no on_commit capture: the job stays waiting
    client.post(url, month)
    assert Job.objects.filter(kind=HUB_MONTHLY).count() == 1


def test_hq_starts_the_national_roll_up(cast, client, django_capture_on_commit_callbacks):
    client.force_login(cast.hq)
    url = reverse("reports:report_national")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"fiscal_year": "2025"})
    assert response.status_code == 302 and response["Location"] == url
    job = Job.objects.get(kind=NATIONAL_FY)
    assert (job.scope, job.hub, job.bureau, job.params) == (Job.Scope.NATIONAL, None, None,
                                                            {"fiscal_year": 2025})
    assert job.status == Job.Status.DONE
    assert client.get(url).context["jobs"] == [job]


@pytest.mark.parametrize("role", ["coordinator", "chief", "impl_org", "bureau", "admin"])
def test_only_hq_may_start_the_national_roll_up(cast, client, role):
    client.force_login(cast.by_role()[role])
    response = client.post(reverse("reports:report_national"), {"fiscal_year": "2025"})
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_hub_page_and_national_page_link_to_the_reports(cast, client):
    client.force_login(cast.bureau)
    hub_page = client.get(reverse("hubs:hub_detail", args=[cast.hub.jis_code]))
    assert reverse("reports:report_hub", args=[cast.hub.jis_code]) in hub_page.content.decode()
    client.force_login(cast.hq)
    national = client.get(reverse("evaluation:national"))
    assert reverse("reports:report_national") in national.content.decode()


# --- Query budgets ---------------------------------------------------------------------------
def _grow(cast, n):
    for i in range(n):
        case = _case(cast.hub, cast.coordinator, date(2025, 4, 1 + i % 28),
                     topics=("sales", "finance"))
        _sessions(case, (date(2025, 4, 1 + i % 28), CHANNELS[i % 5]))
        _referral(case, created=_utc(2025, 4, 2), due=date(2025, 4, 9))
        status = Job.Status.DONE if i % 2 else Job.Status.RUNNING
        for hub, by in ((cast.hub, cast.chief), (cast.other_hub, cast.outsider)):
            Job.objects.create(kind=HUB_MONTHLY, scope=Job.Scope.HUB, hub=hub, started_by=by,
                               params={"year": 2025, "month": 4}, status=status, total=3,
                               done=i % 4)
        Job.objects.create(kind=NATIONAL_FY, scope=Job.Scope.NATIONAL, started_by=cast.hq,
                           params={"fiscal_year": 2025}, status=status, total=94, done=i)


@pytest.mark.parametrize(("role", "name", "kwargs", "budget"), [
    # + 1 each for the top bar's unread notifications
    ("coordinator", "reports:report_hub", {"jis_code": "13"}, 9),  # + nav: own hub
    ("bureau", "reports:report_hub", {"jis_code": "13"}, 8),
    ("hq", "reports:report_national", {}, 7),
])
def test_report_pages_run_a_fixed_number_of_queries(cast, client, django_assert_max_num_queries,
                                                    role, name, kwargs, budget):
    client.force_login(cast.by_role()[role])
    url = reverse(name, kwargs=kwargs)
    _grow(cast, 1)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    _grow(cast, 30)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["jobs"]) == 10


# --- Every format ------------------------------------------------------------------------------
def _workbook(job):
    return load_workbook(job.result.path)  # not read-only: widths and filters are read


def test_hub_report_sheets_are_finished_tables(data, django_capture_on_commit_callbacks):
    job = _run(HUB_MONTHLY, hub=data.hub, params={"year": YEAR, "month": MONTH},
               capture=django_capture_on_commit_callbacks)
    book = _workbook(job)

    summary = book["概要"]
    # 拠点, 対象月, 集計日, a blank line, then the table: its header frozen at row 5.
    downloads.assert_finished_table(summary, header_at=5)
    assert summary.cell(row=3, column=2).is_date  # 集計日, a real date
    assert summary.cell(row=6, column=2).data_type == "n"
    topics = book["相談分野×チャネル"]
    topic_rows = Topic.objects.filter(is_active=True).count()
    # The 合計 row below the topics stays out of the filter, so sorting leaves it last.
    downloads.assert_finished_table(topics, last=1 + topic_rows)
    assert topics.cell(row=2 + topic_rows, column=1).value == "合計（相談対応数）"
    downloads.assert_finished_table(book["コーディネーター別"])


def test_national_roll_up_sheets_are_finished_tables(data, django_capture_on_commit_callbacks):
    job = _run(NATIONAL_FY, by=data.hq, params={"fiscal_year": 2025},
               capture=django_capture_on_commit_callbacks)
    book = _workbook(job)

    downloads.assert_finished_table(book["拠点別"], freeze="C2", last=1 + Hub.objects.count())
    detail = book["明細"]
    downloads.assert_finished_table(detail)
    assert detail.cell(row=2, column=3).is_date and detail.cell(row=2, column=3).number_format \
        == "yyyy-mm"
    assert detail.cell(row=2, column=6).data_type == "n"


@pytest.mark.parametrize("chosen", ["csv-cp932", "csv-utf8"])
def test_hub_report_as_csv_is_a_zip_of_its_sheets_with_the_same_figures(
        data, client, chosen, django_capture_on_commit_callbacks):
    job = _run(HUB_MONTHLY, hub=data.hub, by=data.chief,
               params={"year": YEAR, "month": MONTH, "format": chosen},
               capture=django_capture_on_commit_callbacks)

    assert job.result_name == "よろず月次報告_東京都_2025年04月.zip"
    client.force_login(data.chief)
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response["Content-Type"] == "application/zip"
    tables = downloads.zip_tables(b"".join(response.streaming_content), chosen)
    assert list(tables) == ["1_概要.csv", "2_相談分野×チャネル.csv", "3_コーディネーター別.csv"]
    summary = {row[0]: row[1:] for row in tables["1_概要.csv"] if row}
    assert summary["拠点"] == ["東京都よろず支援拠点"]
    assert summary["対象月"] == ["2025年4月（令和7年4月）"]
    assert summary["集計日"] == [f"{fiscal.today():%Y-%m-%d}"]
    assert summary[workbooks.SESSIONS][0] == "5"
    n, satisfied, _average = _sql_satisfaction(data.hub.pk, *APRIL)
    assert summary[workbooks.SATISFACTION_SHARE][0] == f"{100 * satisfied / n:.1f}%"


def test_national_detail_as_csv_names_months_as_excel_reads_them(
        data, django_capture_on_commit_callbacks):
    job = _run(NATIONAL_FY, by=data.hq, params={"fiscal_year": 2025, "format": "csv-utf8"},
               capture=django_capture_on_commit_callbacks)

    with open(job.result.path, "rb") as handle:
        tables = downloads.zip_tables(handle.read(), "csv-utf8")
    assert list(tables) == ["1_拠点別.csv", "2_明細.csv", "3_注記.csv"]
    header, *rows = tables["2_明細.csv"]
    assert header == workbooks.DETAIL_HEADERS
    found = Counter()
    for jis, _prefecture, month, topic, channel, n in rows:
        found[(jis, month, topic, channel)] = int(n)
    assert found == _detail_expected()


def test_the_report_form_starts_a_job_in_the_chosen_format_once(cast, client):
    client.force_login(cast.chief)
    url = reverse("reports:report_hub", args=[cast.hub.jis_code])
    month = f"{fiscal.today():%Y-%m}"
    assert 'value="csv-cp932"' in client.get(url).content.decode()
    # No on_commit capture: the jobs stay waiting, so a repeat of the same format is the same.
    client.post(url, {"month": month, "format": "csv-cp932"})
    client.post(url, {"month": month, "format": "csv-cp932"})
    client.post(url, {"month": month, "format": "xlsx"})
    client.post(url, {"month": month})  # a form without the choice: Excel
    params = sorted(job.params.get("format", "") for job in Job.objects.all())
    assert params == ["", "csv-cp932"]
    response = client.post(url, {"month": month, "format": "pdf"})
    assert response.status_code == 200 and response.context["form"].errors["format"]
