"""The outcome pages and their files: the hub's figure with the clients behind it, the bureau's
aggregates, HQ's nation; what is withheld stays withheld on the page and in the file; HQ's
reading of clients' figures is logged."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from consultations.models import PersonalDataRead
from evaluation.outcomes.exports import PROTECTS_NOTE, TOO_FEW_NOTE
from hubs.models import Hub
from tests.hubs.factories import AppointmentFactory, UserFactory

from .factories import figures_of, supported_client

YEAR = {"year": 2024}


def _hub_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("outcomes:outcomes_hub", args=["13"]), {**YEAR, **params})


def _sheet(response) -> list[tuple]:
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [row for row in book["付加価値額"].iter_rows(values_only=True) if any(row)]


def _row(rows, name) -> tuple:
    return next(row for row in rows if row[1] == name)


def test_the_hub_page_shows_the_hubs_figure_and_the_clients_behind_it(client, tokyo):
    response = _hub_page(client, tokyo.chief)
    assert response.status_code == 200
    total = response.context["total"]
    assert (total.clients, total.baseline, total.latest, total.change, total.rate,
            total.improved) == (5, 14_400, 16_700, 2_300, 16.0, 4)
    html = response.content.decode()
    assert "14,400" in html and "16,700" in html and "+2,300" in html and "+16.0%" in html
    table = response.context["table"]
    assert table.page.paginator.count == 5
    assert "outcome-client-table" in html


def test_coordinator_rows_of_too_few_clients_are_withheld_on_the_page(client, tokyo):
    response = _hub_page(client, tokyo.coordinator)
    rows = response.context["coordinators"]
    assert [(row.figure.clients, row.figure.withheld) for row in rows] == [(3, True), (3, True)]
    html = response.content.decode()
    # Each coordinator's three clients are counted, their sums are not shown: a's 10,500 and
    # 12,650, b's 4,900 and 5,150 appear nowhere.
    assert html.count('class="text-body-secondary outcome-withheld"') == 2
    for hidden in ("10,500", "12,650", "4,900", "5,150"):
        assert hidden not in html


def test_the_hub_file_withholds_the_same_cells(client, tokyo):
    rows = _sheet(_hub_page(client, tokyo.chief, format="xlsx"))
    assert _row(rows, "東京都")[2:8] == (5, 14_400, 16_700, 2_300, 16.0, 4)
    for name in (str(tokyo.coordinator), str(tokyo.chief)):
        assert _row(rows, name)[2:] == (3, None, None, None, None, None, TOO_FEW_NOTE)


def test_the_hub_file_lists_the_confirmed_milestones_by_kind(client, tokyo):
    response = _hub_page(client, tokyo.chief, format="xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    kinds = [row[0] for row in book["成果"].iter_rows(min_row=3, values_only=True)]
    assert "販路開拓" in kinds and len(kinds) == 6


def test_hqs_reading_of_a_hubs_clients_is_logged_and_the_hubs_own_is_not(client, tokyo):
    _hub_page(client, tokyo.hq)
    read = PersonalDataRead.objects.get(what="outcome_clients")
    assert (read.user, read.hub, read.rows) == (tokyo.hq, tokyo.hub, 5)
    _hub_page(client, tokyo.chief)
    assert PersonalDataRead.objects.filter(what="outcome_clients").count() == 1


@pytest.fixture
def kanto(tokyo):
    """Saitama (Kanto, like Tokyo) with two clients of its own: too few to show."""
    saitama = Hub.objects.get(jis_code="11")
    lead = UserFactory()
    AppointmentFactory(user=lead, role="coordinator", hub=saitama)
    for day in (date(2024, 6, 1), date(2024, 7, 1)):
        figures_of(supported_client(saitama, lead, day), (date(2024, 3, 31), 1, 1, 1),
                   (date(2025, 3, 31), 2, 2, 2))
    return tokyo


def test_the_bureau_sees_its_hubs_beside_its_total_and_no_client(client, kanto):
    client.force_login(kanto.bureau)
    response = client.get(reverse("outcomes:outcomes_bureau"), YEAR)
    section, = response.context["sections"]
    assert section.name_ja == "関東経済産業局"
    # Kanto: 7 clients, 14,400 + 6 -> 16,700 + 12.
    assert (section.figure.clients, section.figure.baseline, section.figure.latest) == (
        7, 14_406, 16_712)
    hubs = {hub.jis_code: hub.figure for hub in section.hubs}
    assert hubs["11"].withheld_reason == "too_few"
    # Tokyo has enough clients, but Kanto minus Tokyo would give Saitama's two away.
    assert hubs["13"].withheld_reason == "protects_others" and hubs["13"].clients == 5
    html = response.content.decode()
    assert "14,400" not in html and "outcome-client-table" not in html


def test_the_bureau_file_withholds_the_same_cells(client, kanto):
    client.force_login(kanto.bureau)
    rows = _sheet(client.get(reverse("outcomes:outcomes_bureau"), {**YEAR, "format": "xlsx"}))
    assert _row(rows, "関東経済産業局")[2:5] == (7, 14_406, 16_712)
    assert _row(rows, "東京都")[2:] == (5, None, None, None, None, None, PROTECTS_NOTE)
    assert _row(rows, "埼玉県")[2:] == (2, None, None, None, None, None, TOO_FEW_NOTE)


def test_hq_sees_the_nation_and_hides_a_bureaus_hubs_with_the_bureau(client, kanto):
    client.force_login(kanto.hq)
    response = client.get(reverse("outcomes:outcomes_national"), YEAR)
    national = response.context["national"]
    assert (national.clients, national.baseline) == (8, 14_406 + 30)  # + Miyagi's client
    bureaus = {b.name_ja: b for b in response.context["bureaus"]}
    # Tohoku has Miyagi's one client: too few; the nation minus Kanto would show it, so
    # Kanto is withheld beside the nation, and its hubs with it.
    assert bureaus["東北経済産業局"].figure.withheld_reason == "too_few"
    assert bureaus["関東経済産業局"].figure.withheld_reason == "protects_others"
    assert all(hub.figure.withheld for hub in bureaus["関東経済産業局"].hubs
               if hub.figure.clients)
    assert 'href="/evaluation/outcomes/13/?year=2024"' in response.content.decode()


def test_the_national_file_keeps_the_nation_and_withholds_the_rest(client, kanto):
    client.force_login(kanto.hq)
    rows = _sheet(client.get(reverse("outcomes:outcomes_national"), {**YEAR, "format": "xlsx"}))
    assert _row(rows, "全国")[2:5] == (8, 14_436, 16_982)
    assert _row(rows, "関東経済産業局")[-1] == PROTECTS_NOTE
    assert _row(rows, "東北経済産業局")[-1] == TOO_FEW_NOTE
