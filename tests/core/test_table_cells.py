"""Cells drawn by their plans (yorozu/core/table_cells.py) are the cells django-tables2 draws:
every list page, with rows that exercise links, choices, badges, empty cells, overdue rows and
markup in a name, renders the same both ways, and the plans were used for it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hubs.models import Appointment
from hubs.roles import Role
from hubs.templatetags import yorozu as tags
from tests.consultations.factories import CaseFactory, ReferralFactory, SessionFactory
from tests.hubs.factories import AgencyFactory, AppointmentFactory, UserFactory
from tests.pages import page_text
from yorozu.core import fiscal


@pytest.fixture
def planned(monkeypatch):
    """Counts the tables drawn by their plans."""
    drawn, plans_of = [], tags.cell_plans

    def spy(table):
        plans = plans_of(table)
        if plans is not None and type(table).__name__ not in drawn:
            drawn.append(type(table).__name__)
        return plans

    monkeypatch.setattr(tags, "cell_plans", spy)
    return drawn


def _both_ways(client, url, monkeypatch, planned) -> tuple[str, str]:
    fast = page_text(client.get(url))
    with monkeypatch.context() as generic:
        generic.setattr(tags, "cell_plans", lambda table: None)
        slow = page_text(client.get(url))
    return fast, slow


@pytest.fixture
def lists(cast):
    """Rows with something in every kind of cell: markup in a client's name, a case with no
    session (an empty cell), a referral overdue and one not, a next step overdue, an inactive
    agency, a proposal awaiting the bureau (its buttons) beside decided appointments."""
    today = fiscal.today()
    odd = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__name='<b>"A&B"</b> 商事')
    SessionFactory(hub=cast.hub, case=odd, next_step="見積書を確認", next_step_due=today
                   - timedelta(days=3))
    CaseFactory(hub=cast.hub, lead=cast.coordinator)
    agency = AgencyFactory(hub=cast.hub)
    AgencyFactory(hub=cast.hub, is_active=False, name="<旧>センター")
    ReferralFactory(hub=cast.hub, case=odd, agency=agency, follow_up_due=today - timedelta(1))
    ReferralFactory(hub=cast.hub, case__lead=cast.coordinator, agency=agency,
                    follow_up_due=today + timedelta(days=5))
    AppointmentFactory(user=UserFactory(), hub=cast.hub, role=Role.COORDINATOR,
                       status=Appointment.Status.PROPOSED, proposed_by=cast.chief)
    return odd


def test_every_list_draws_the_same_cells_by_its_plans(client, cast, lists, monkeypatch,
                                                        planned):
    jis = cast.hub.jis_code
    pages = [  # who, where, the tables drawn by their plans there
        (cast.coordinator, reverse("consultations:case_list", args=[jis]) + "?status=",
         ["CaseTable"]),
        (cast.coordinator, reverse("consultations:followups", args=[jis]) + "?mine=",
         ["ReferralTable", "NextStepTable"]),
        (cast.coordinator, reverse("consultations:my_cases"), ["CaseTable"]),
        (cast.coordinator, reverse("consultations:client_detail", args=[lists.client_id]),
         ["ClientCaseTable"]),
        (cast.chief, reverse("hubs:agency_list", args=[jis]), ["AgencyTable"]),
        (cast.hq, reverse("hubs:hub_list"), ["HubTable"]),
        (cast.bureau, reverse("hubs:appointment_list"),
         ["AppointmentQueueTable", "AppointmentTable"]),
    ]
    for user, url, tables in pages:
        client.force_login(user)
        planned.clear()
        fast, slow = _both_ways(client, url, monkeypatch, planned)
        assert planned == tables, url
        assert fast == slow, url


def test_a_cell_escapes_what_it_shows_and_marks_what_is_overdue(client, cast, lists,
                                                                 monkeypatch, planned):
    client.force_login(cast.coordinator)
    url = reverse("consultations:followups", args=[cast.hub.jis_code]) + "?mine="
    fast, _slow = _both_ways(client, url, monkeypatch, planned)
    assert planned == ["ReferralTable", "NextStepTable"]
    assert "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; 商事" in fast
    assert "<b>" not in fast
    assert fast.count("table-danger") == 2  # the overdue referral and the overdue next step
