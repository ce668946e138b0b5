"""The bureau's plan review queue as a table (evaluation/plans/tables.py), on a page of its own
(plans:plan_review_queue) and on the bureau's home page: the bureau's hubs only, plans
awaiting review first with a button to the plan page's review actions, sortable, downloadable
as the page shows it (Japanese headers whatever the reader's language)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from evaluation.plans.models import ActivityPolicy, AnnualPlan, PlanVersion
from tests.downloads import FORMATS, csv_rows, download_rows
from tests.plans.test_plans import YEAR, submitted_plan, url

QUEUE = reverse("plans:plan_review_queue")
HEADER = ["拠点", "状況", "提出日", "計画の提出期限"]


@pytest.fixture
def queue(cast):
    """Tokyo's plan submitted; another bureau's hub (Miyagi) has one submitted too, and
    Kanagawa (Tokyo's bureau) one of last year. The year's policy sets the deadline."""
    plan = submitted_plan(cast)
    other = AnnualPlan.objects.create(hub=cast.other_hub, fiscal_year=YEAR,
                                      status=AnnualPlan.Status.SUBMITTED)
    PlanVersion.objects.create(plan=other, number=1, content={}, submitted_by=cast.outsider)
    AnnualPlan.objects.create(hub=cast.hub.bureau.hubs.get(jis_code="14"),
                              fiscal_year=YEAR - 1, status=AnnualPlan.Status.ACCEPTED)
    ActivityPolicy.objects.create(fiscal_year=YEAR, priority_themes="重点", indicators=[],
                                  plan_deadline=timezone.localdate() + timedelta(days=30),
                                  published_at=timezone.now())
    return plan


def _kanto(cast) -> set[str]:
    with translation.override("ja"):
        return {hub.name for hub in cast.hub.bureau.hubs.all()}



def test_the_queue_lists_the_bureaus_hubs_with_the_plan_awaiting_review_first(
        client, cast, queue):
    client.force_login(cast.bureau)
    response = client.get(QUEUE)
    table = response.context["table"]
    names = [row.record.hub.name for row in table.paginated_rows]
    assert set(names) == _kanto(cast) and names[0] == cast.hub.name
    page = response.content.decode()
    assert f'{url("plan_detail", cast.hub)}#plan-actions' in page  # the review's button
    assert 'class="table-warning' in page
    assert cast.other_hub.name not in page


def test_the_queue_sorts_by_hub_and_by_status(client, cast, queue):
    client.force_login(cast.bureau)
    by_hub = client.get(QUEUE, {"sort": "-hub"}).context["table"]
    codes = [row.record.hub.jis_code for row in by_hub.paginated_rows]
    assert codes == sorted(codes, reverse=True)
    by_status = client.get(QUEUE, {"sort": "-status"}).context["table"]
    assert next(iter(by_status.paginated_rows)).record.hub == cast.hub  # submitted, last stage
    assert 'aria-sort="descending"' in client.get(QUEUE, {"sort": "-status"}).content.decode()


@pytest.mark.parametrize("chosen", FORMATS)
def test_the_bureau_downloads_its_queue_in_japanese(client, cast, queue, chosen):
    client.force_login(cast.bureau)
    client.cookies["django_language"] = "en"
    header, *rows = download_rows(client.get(QUEUE, {"year": YEAR, "format": chosen}), chosen)
    assert header == HEADER
    assert {row[0] for row in rows} == _kanto(cast)  # not the other bureau's Miyagi
    tokyo = next(row for row in rows if row[0] == "東京都よろず支援拠点")
    assert tokyo[1] == "提出済み"
    kanagawa = next(row for row in rows if row[0] == "神奈川県よろず支援拠点")
    assert kanagawa[1] == "未着手"  # last year's accepted plan is not this year's
    deadline = ActivityPolicy.objects.get(fiscal_year=YEAR).plan_deadline
    if chosen == "xlsx":
        assert tokyo[2] is not None and tokyo[3].date() == deadline
    else:
        assert tokyo[2] and tokyo[3] == deadline.isoformat()


def test_the_download_follows_the_year_and_sort_in_force(client, cast, queue):
    client.force_login(cast.bureau)
    last_year = client.get(QUEUE, {"year": YEAR - 1, "format": "csv-utf8"})
    rows = csv_rows(last_year.content, "csv-utf8")[1:]
    assert {row[0]: row[1] for row in rows}["神奈川県よろず支援拠点"] == "受理"
    by_hub = client.get(QUEUE, {"sort": "-hub", "format": "csv-utf8"})
    names = [row[0] for row in csv_rows(by_hub.content, "csv-utf8")[1:]]
    page = client.get(QUEUE, {"sort": "-hub"}).context["table"]
    assert names == [row.record.hub.name for row in page.paginated_rows]


def test_the_queue_remembers_the_year(client, cast, queue):
    client.force_login(cast.bureau)
    client.get(QUEUE, {"year": YEAR - 1})
    back = client.get(QUEUE)
    assert back.status_code == 302 and back.url == f"{QUEUE}?year={YEAR - 1}"
    page = client.get(back.url).content.decode()
    assert f"year={YEAR - 1}&amp;format=csv-cp932" in page and "?clear=1" in page
    sorted_page = client.get(QUEUE, {"year": YEAR, "sort": "-hub"}).content.decode()
    assert '<input type="hidden" name="sort" value="-hub">' in sorted_page  # kept by the picker


def test_only_a_bureau_opens_the_queue(client, cast, queue):
    for role in ("chief", "hq"):
        client.force_login(cast.by_role()[role])
        assert client.get(QUEUE).status_code == 403
        assert client.get(QUEUE, {"format": "xlsx"}).status_code == 403


def test_the_bureaus_home_page_shows_the_queue_and_links_its_page(client, cast, queue):
    client.force_login(cast.bureau)
    page = client.get(reverse("home")).content.decode()
    assert "plan-queue" in page and f'{url("plan_detail", cast.hub)}#plan-actions' in page
    assert QUEUE in page
