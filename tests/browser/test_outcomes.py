"""Client outcomes in the system Chromium: a coordinator adds a period's figures on the client
page and sees its value added; every outcome page passes axe and the CSP, at a laptop's and a
phone's width (screenshots with BROWSER_SCREENSHOTS).

Selectors are by id, name and class, not by text: the app's Japanese translations are merged
into the .po files separately."""

from datetime import date

import pytest
from playwright.sync_api import expect

from evaluation.outcomes.models import FinancialSnapshot
from hubs.models import Hub
from tests.hubs.factories import AppointmentFactory, UserFactory
from tests.outcomes.factories import MilestoneFactory, figures_of, supported_client

from .conftest import assert_accessible, log_in, sign_in
from .screens import WIDTHS, shoot

pytestmark = pytest.mark.browser


def _firm(users):
    """A Tokyo client first consulted in June 2024, with the figures of the year before."""
    client = supported_client(users.hub, users.coordinator, date(2024, 6, 1))
    client.name = "株式会社よろず製作所"
    client.save()
    figures_of(client, (date(2024, 3, 31), 1_000, 25_000, 3_000))
    return client


def test_a_coordinator_adds_a_period_on_the_client_page_and_sees_its_value_added(page, users):
    firm = _firm(users)
    log_in(page, users.coordinator)
    page.goto(f"/consultations/clients/{firm.pk}/")
    add = page.locator("details.outcome-add")
    add.locator("summary").click()
    form = add.locator("form.outcome-add-form")
    form.locator("#snapshot-new-period_end").fill("2025-03-31")
    form.locator("#snapshot-new-sales").fill("120000")
    form.locator("#snapshot-new-operating_profit").fill("-1500")
    form.locator("#snapshot-new-personnel_costs").fill("30000")
    form.locator("#snapshot-new-depreciation").fill("4000")
    form.locator("#snapshot-new-verified").check()
    form.locator("button[type=submit]").click()

    expect(page.locator(".messages .alert-success")).to_be_visible()
    values = page.locator("table.outcome-snapshots .outcome-value-added")
    # Before support: 1,000 + 25,000 + 3,000; the new period: -1,500 + 30,000 + 4,000.
    expect(values).to_have_text(["29,000", "32,500"])
    latest = page.locator("table.outcome-snapshots tbody tr").nth(1)
    expect(latest.locator(".badge")).to_be_visible()  # the period the figure compares with
    saved = FinancialSnapshot.objects.get(client=firm, period_end=date(2025, 3, 31))
    assert saved.verified_by == users.coordinator
    assert_accessible(page)


def test_a_refused_period_keeps_what_was_typed(page, users):
    firm = _firm(users)
    sign_in(page, users.coordinator)
    page.goto(f"/consultations/clients/{firm.pk}/")
    page.locator("details.outcome-add summary").click()  # closed once a period is on record
    form = page.locator("form.outcome-add-form")
    form.locator("#snapshot-new-period_end").fill("2025-03-31")
    form.locator("#snapshot-new-sales").fill("-5")
    form.locator("#snapshot-new-personnel_costs").fill("30000")
    form.locator("button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_sales")).to_have_value("-5")
    expect(page.locator("#id_personnel_costs")).to_have_value("30000")
    assert_accessible(page)


@pytest.fixture
def outcomes(users):
    """Tokyo's five counted clients, one milestone, and Saitama's two (too few to show)."""
    firm = _firm(users)
    figures_of(firm, (date(2025, 3, 31), -1_500, 30_000, 4_000))
    MilestoneFactory(case=firm.cases.get())
    for day in (date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1), date(2024, 10, 1)):
        lead = users.coordinator if day.month % 2 else users.chief
        figures_of(supported_client(users.hub, lead, day), (date(2024, 3, 31), 10, 900, 5),
                   (date(2025, 3, 31), 40, 950, 5))
    saitama = Hub.objects.get(jis_code="11")
    lead = UserFactory()
    AppointmentFactory(user=lead, role="coordinator", hub=saitama)
    for day in (date(2024, 6, 1), date(2024, 7, 1)):
        figures_of(supported_client(saitama, lead, day), (date(2024, 3, 31), 1, 1, 1),
                   (date(2025, 3, 31), 2, 2, 2))
    return firm


PAGES = [
    # (role, path, what the page must show, its name for the screenshots)
    ("coordinator", "/consultations/clients/{firm}/", "株式会社よろず製作所", "client"),
    ("chief", "/evaluation/outcomes/13/?year=2024", "東京都よろず支援拠点", "hub"),
    ("bureau", "/evaluation/outcomes/bureau/?year=2024", "関東経済産業局", "bureau"),
    ("hq", "/evaluation/outcomes/national/?year=2024", "北海道経済産業局", "national"),
    ("coordinator", "/evaluation/outcomes/figures/{snapshot}/edit/", "株式会社よろず製作所",
     "snapshot-edit"),
    ("coordinator", "/evaluation/outcomes/clients/{firm}/milestones/new/",
     "株式会社よろず製作所", "milestone-new"),
    ("coordinator", "/evaluation/outcomes/13/import/", "法人番号", "import"),
]


@pytest.mark.parametrize(("role", "path", "text", "name"), PAGES, ids=[p[3] for p in PAGES])
def test_outcome_pages_are_accessible_on_a_laptop_and_a_phone(page, users, outcomes, role,
                                                               path, text, name):
    sign_in(page, users.by_role()[role])
    snapshot = outcomes.financial_snapshots.order_by("period_end").first()
    address = path.format(firm=outcomes.pk, snapshot=snapshot.pk)
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(address)
        assert response.status == 200, f"{address} answered {response.status}"
        expect(page.locator("main")).to_contain_text(text)
        assert_accessible(page)
        shoot(page, f"outcomes-{name}")


def test_the_hub_page_withholds_the_coordinators_of_too_few_clients(page, users, outcomes):
    sign_in(page, users.chief)
    page.goto("/evaluation/outcomes/13/?year=2024")
    expect(page.locator("tr.outcome-total .outcome-clients")).to_have_text("5")
    expect(page.locator("tr.outcome-coordinator .outcome-withheld")).to_have_count(2)
    expect(page.locator("table.outcome-client-table tbody tr")).to_have_count(5)


def test_a_milestone_form_refuses_a_missing_note_and_keeps_the_input(page, users, outcomes):
    sign_in(page, users.coordinator)
    page.goto(f"/evaluation/outcomes/clients/{outcomes.pk}/milestones/new/")
    page.locator("input[name=kind][value=other]").check()
    page.locator("#id_achieved_on").fill("2025-06-01")
    page.locator("#id_description").fill("海外の展示会に出展")
    page.locator("main form button.btn-primary").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("海外の展示会に出展")
    assert_accessible(page)
