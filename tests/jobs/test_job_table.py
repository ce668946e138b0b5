"""The jobs lists as tables (yorozu/jobs/tables.py): the jobs page's two lists and a report
page's recent reports sort by their columns each on their own, the progress cell stays the part
htmx polls, and another hub's jobs stay out."""

from django.urls import reverse

from yorozu.jobs.models import Job

MONTHLY = "report_hub_monthly"


def _report(hub, *, month, by=None, **fields) -> Job:
    return Job.objects.create(kind=MONTHLY, scope=Job.Scope.HUB, hub=hub, started_by=by,
                              params={"year": 2026, "month": month}, **fields)


def _records(table) -> list:
    return [row.record for row in table.paginated_rows]


def test_the_jobs_page_sorts_each_list_on_its_own(client, cast):
    may = _report(cast.hub, month=5, by=cast.chief, status=Job.Status.RUNNING, done=1, total=4)
    april = _report(cast.hub, month=4, by=cast.chief, status=Job.Status.RUNNING, done=3,
                    total=4)
    first_auto = _report(cast.hub, month=6)
    second_auto = _report(cast.hub, month=7)
    client.force_login(cast.chief)
    page = client.get(reverse("jobs:job_list"))
    assert _records(page.context["mine_table"]) == [april, may]  # newest first
    assert _records(page.context["scheduled_table"]) == [second_auto, first_auto]

    by_label = client.get(reverse("jobs:job_list"), {"sort": "job"})
    assert _records(by_label.context["mine_table"]) == [april, may]  # 4月 before 5月
    assert _records(by_label.context["scheduled_table"]) == [second_auto, first_auto]
    by_progress = client.get(reverse("jobs:job_list"),
                             {"sort": "-progress", "scheduled-sort": "created_at"})
    assert _records(by_progress.context["mine_table"]) == [april, may]  # 75 % before 25 %
    assert _records(by_progress.context["scheduled_table"]) == [first_auto, second_auto]
    body = by_progress.content.decode()
    assert 'aria-sort="descending"' in body and 'aria-sort="ascending"' in body
    # Each unfinished job's cell still polls itself.
    assert f'hx-get="{reverse("jobs:job_status", args=[may.pk])}"' in body
    assert "2026年5月" in body and "東京都よろず支援拠点" in body


def test_the_jobs_page_shows_no_other_hubs_job(client, cast):
    mine = _report(cast.hub, month=4)
    elsewhere = _report(cast.other_hub, month=4)
    client.force_login(cast.chief)
    page = client.get(reverse("jobs:job_list"))
    assert _records(page.context["scheduled_table"]) == [mine]
    assert elsewhere not in _records(page.context["mine_table"])
    assert "宮城県" not in page.content.decode()


def test_a_report_pages_recent_reports_sort_and_name_who_asked(client, cast):
    asked = _report(cast.hub, month=5, by=cast.coordinator, status=Job.Status.DONE, done=4,
                    total=4)
    automatic = _report(cast.hub, month=4)
    _report(cast.other_hub, month=4)
    client.force_login(cast.chief)
    url = reverse("reports:report_hub", args=[cast.hub.jis_code])
    page = client.get(url)
    assert _records(page.context["jobs_table"]) == [automatic, asked]
    body = page.content.decode()
    assert "自動作成" in body and cast.coordinator.get_full_name() in body
    assert "報告書" in body  # the job column is headed as a report here
    assert _records(client.get(url, {"sort": "job"}).context["jobs_table"]) == [automatic, asked]
    assert _records(client.get(url, {"sort": "-started_by"}).context["jobs_table"]) == [
        asked, automatic]
