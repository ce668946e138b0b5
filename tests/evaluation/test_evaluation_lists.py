"""The evaluation lists as tables (evaluation/tables.py, evaluation/surveys/tables.py): HQ's
hearing list sorts by its columns, ticks "mine only", remembers the last filter and downloads
as the page shows it (Excel, CSV in CP932 and UTF-8, Japanese headers whatever the reader's
language); the chief's self-check review list and the agency survey list sort and page at a
fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Hearing, SelfCheck
from evaluation.surveys.models import AgencySurvey
from hubs.models import Hub
from hubs.roles import Role
from tests.downloads import FORMATS, csv_rows, download_rows
from tests.evaluation.factories import GuidelineFactory, SelfCheckFactory
from tests.hubs.factories import AppointmentFactory, UserFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()
HEARINGS = reverse("evaluation:hearing_list")
HEADER = ["拠点", "経済産業局", "ヒアリング日", "本部担当責任者", "状況"]


@pytest.fixture
def hearings(cast):
    """This year's hearings at Tokyo (led by cast.hq, held a week ago) and Miyagi (led by
    another HQ member, today); last year's at Osaka."""
    guideline = GuidelineFactory(fiscal_year=YEAR)
    colleague = UserFactory(family_name="本部", given_name="二郎",
                            family_name_kana="ホンブ", given_name_kana="ジロウ")
    AppointmentFactory(user=colleague, role=Role.HQ)
    today = fiscal.today()
    tokyo = Hearing.objects.create(hub=cast.hub, fiscal_year=YEAR, guideline=guideline,
                                   held_on=today - timedelta(days=7), lead=cast.hq)
    miyagi = Hearing.objects.create(hub=cast.other_hub, fiscal_year=YEAR, guideline=guideline,
                                    held_on=today, lead=colleague,
                                    status=Hearing.Status.SCORING)
    last = GuidelineFactory(fiscal_year=YEAR - 1)
    osaka = Hearing.objects.create(hub=Hub.objects.get(jis_code="27"), fiscal_year=YEAR - 1,
                                   guideline=last, held_on=today - timedelta(days=365),
                                   lead=cast.hq)
    return tokyo, miyagi, osaka



def _hubs_in(table) -> list[str]:
    return [row.record.jis_code for row in table.paginated_rows]


# --- Hearings ---------------------------------------------------------------------------------
def test_the_hearing_list_sorts_by_hearing_date_and_lead(client, cast, hearings):
    client.force_login(cast.hq)
    by_date = client.get(HEARINGS, {"year": YEAR, "sort": "-held_on"}).context["table"]
    assert _hubs_in(by_date)[:2] == ["04", "13"]  # today, then a week ago; hubs without last
    header = client.get(HEARINGS, {"year": YEAR, "sort": "-held_on"}).content.decode()
    assert 'aria-sort="descending"' in header
    by_lead = client.get(HEARINGS, {"year": YEAR, "sort": "-lead"}).context["table"]
    led = [code for code in _hubs_in(by_lead) if code in ("04", "13")]
    # By the leads' kana, descending the opposite of ascending.
    by_lead_up = client.get(HEARINGS, {"year": YEAR, "sort": "lead"}).context["table"]
    assert [c for c in _hubs_in(by_lead_up) if c in ("04", "13")] == led[::-1]
    by_status = client.get(HEARINGS, {"year": YEAR, "sort": "-status"}).context["table"]
    assert _hubs_in(by_status)[:2] == ["04", "13"]  # scoring, then scheduled


def test_mine_only_shows_the_hearings_the_user_leads_and_is_remembered(client, cast, hearings):
    client.force_login(cast.hq)
    page = client.get(HEARINGS, {"year": YEAR, "mine": "on"})
    assert _hubs_in(page.context["table"]) == ["13"]
    assert "?clear=1" in page.content.decode()
    back = client.get(HEARINGS)  # the list again, with no query: the last filter
    assert back.status_code == 302 and back.url == f"{HEARINGS}?year={YEAR}&mine=on"
    cleared = client.get(HEARINGS, {"clear": "1"})
    assert cleared.status_code == 302 and cleared.url == HEARINGS
    assert client.get(HEARINGS).status_code == 200


@pytest.mark.parametrize("chosen", FORMATS)
def test_hq_downloads_the_hearing_list_in_japanese(client, cast, hearings, chosen):
    client.force_login(cast.hq)
    client.cookies["django_language"] = "en"
    header, *rows = download_rows(client.get(HEARINGS, {"year": YEAR, "format": chosen}), chosen)
    assert header == HEADER
    assert len(rows) == 47
    tokyo = next(row for row in rows if row[0] == "東京都よろず支援拠点")
    assert tokyo[1] == "関東経済産業局" and tokyo[3] == str(cast.hq) and tokyo[4] == "予定"
    held = hearings[0].held_on
    if chosen == "xlsx":
        assert tokyo[2].date() == held
    else:
        assert tokyo[2] == held.isoformat()
    osaka = next(row for row in rows if row[0] == "大阪府よろず支援拠点")
    assert not any(osaka[2:])  # last year's hearing is not this year's


def test_the_hearing_download_keeps_the_filter_and_sort_in_force(client, cast, hearings):
    client.force_login(cast.hq)
    response = client.get(HEARINGS, {"year": YEAR, "mine": "on", "format": "csv-utf8"})
    header, *rows = csv_rows(response.content, "csv-utf8")
    assert [row[0] for row in rows] == ["東京都よろず支援拠点"]  # the colleague's is not there
    last_year = client.get(HEARINGS, {"year": YEAR - 1, "mine": "on", "format": "csv-utf8"})
    assert [row[0] for row in csv_rows(last_year.content, "csv-utf8")[1:]] == [
        "大阪府よろず支援拠点"]
    by_date = client.get(HEARINGS, {"year": YEAR, "sort": "-held_on", "format": "csv-utf8"})
    assert [row[0] for row in csv_rows(by_date.content, "csv-utf8")[1:3]] == [
        "宮城県よろず支援拠点", "東京都よろず支援拠点"]


def test_the_hearing_page_links_its_downloads_with_the_filter(client, cast, hearings):
    client.force_login(cast.hq)
    page = client.get(HEARINGS, {"year": YEAR, "mine": "on"}).content.decode()
    assert f"year={YEAR}&amp;mine=on&amp;format=xlsx" in page


def test_only_hq_downloads_hearings(client, cast, hearings):
    client.force_login(cast.bureau)
    assert client.get(HEARINGS, {"format": "xlsx"}).status_code == 403


# --- Self-checks to review --------------------------------------------------------------------
def _reviewed(cast, n, kana="ア"):
    guideline = GuidelineFactory(fiscal_year=YEAR)
    for i in range(n):
        user = UserFactory(family_name_kana=f"{kana}{i:02d}")
        AppointmentFactory(user=user, role=Role.COORDINATOR, hub=cast.hub)
        SelfCheckFactory(user=user, hub=cast.hub, guideline=guideline,
                         status=SelfCheck.Status.REVIEWED, reviewed_by=cast.chief,
                         reviewed_at=timezone.now() - timedelta(days=i))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_review_list_pages_its_reviewed_self_checks_at_a_fixed_cost(client, cast):
    url = reverse("evaluation:selfcheck_review_list", args=[cast.hub.jis_code])
    client.force_login(cast.chief)
    _reviewed(cast, 2)
    small = _queries(client, url)
    _reviewed(cast, 30, kana="カ")  # more than a page (20)
    assert _queries(client, url) == small
    table = client.get(url).context["reviewed"]
    assert table.paginator.count == 32 and len(table.page.object_list) == 20
    assert client.get(url, {"reviewed-page": "2"}).context["reviewed"].page.number == 2


def test_the_review_list_sorts_by_name(client, cast):
    _reviewed(cast, 3)
    client.force_login(cast.chief)
    url = reverse("evaluation:selfcheck_review_list", args=[cast.hub.jis_code])
    table = client.get(url, {"reviewed-sort": "-user"}).context["reviewed"]
    kana = [row.record.user.family_name_kana for row in table.paginated_rows]
    assert kana == ["ア02", "ア01", "ア00"]
    newest_first = client.get(url).context["reviewed"]
    assert [row.record.user.family_name_kana for row in newest_first.paginated_rows] == [
        "ア00", "ア01", "ア02"]


# --- Agency surveys ---------------------------------------------------------------------------
def test_the_agency_survey_list_sorts_by_title(client, cast):
    for title, year in (("B調査", YEAR), ("A調査", YEAR - 1), ("C調査", YEAR - 2)):
        AgencySurvey.objects.create(hub=cast.hub, fiscal_year=year, title=title,
                                    deadline=fiscal.today(), created_by=cast.impl_org)
    client.force_login(cast.impl_org)
    url = reverse("surveys:agency_survey_list", args=[cast.hub.jis_code])
    newest_year_first = client.get(url).context["table"]
    assert [row.record.title for row in newest_year_first.paginated_rows] == [
        "B調査", "A調査", "C調査"]
    by_title = client.get(url, {"sort": "title"}).context["table"]
    assert [row.record.title for row in by_title.paginated_rows] == ["A調査", "B調査", "C調査"]
