from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hubs import services
from hubs.access import hub_access
from hubs.models import Appointment, Hub
from hubs.roles import VIEW_RECORDS, Role
from tests.hubs.factories import AppointmentFactory, UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")


def _detail(client, hub):
    return client.get(reverse("hubs:hub_detail", args=[hub.jis_code])).status_code


def test_proposed_coordinator_gets_access_the_moment_the_bureau_approves(client, cast):
    newcomer = UserFactory()
    proposal = AppointmentFactory(user=newcomer, role=Role.COORDINATOR, hub=cast.hub,
                                  status=Appointment.Status.PROPOSED, proposed_by=cast.chief)
    client.force_login(newcomer)
    assert _detail(client, cast.hub) == 404

    services.appointment_approve(appointment=proposal, by=cast.bureau)

    assert _detail(client, cast.hub) == 200


def test_revoked_coordinator_loses_access_on_the_next_request(client, cast):
    client.force_login(cast.coordinator)
    assert _detail(client, cast.hub) == 200
    appointment = Appointment.objects.get(user=cast.coordinator)

    services.appointment_revoke(appointment=appointment, by=cast.bureau, note="退職")

    assert _detail(client, cast.hub) == 404
    assert not cast.coordinator.groups.exists()


def test_term_ending_on_31_march_closes_access_at_midnight_tokyo_time(client, db):
    hub = Hub.objects.get(jis_code="13")
    user = UserFactory()
    with time_machine.travel(datetime(2026, 3, 31, 23, 59, tzinfo=TOKYO), tick=False):
        AppointmentFactory(user=user, role=Role.COORDINATOR, hub=hub, fiscal_year=2025)
        client.force_login(user)
        assert _detail(client, hub) == 200
    with time_machine.travel(datetime(2026, 4, 1, 0, 0, 1, tzinfo=TOKYO), tick=False):
        assert _detail(client, hub) == 404


def test_term_starting_later_grants_access_on_its_first_day(client, db):
    hub = Hub.objects.get(jis_code="13")
    user = UserFactory()
    with time_machine.travel(datetime(2026, 4, 30, 12, 0, tzinfo=TOKYO), tick=False):
        AppointmentFactory(user=user, role=Role.COORDINATOR, hub=hub, fiscal_year=2026,
                           starts_on=datetime(2026, 5, 1).date())
        client.force_login(user)
        assert _detail(client, hub) == 404
    with time_machine.travel(datetime(2026, 5, 1, 8, 0, tzinfo=TOKYO), tick=False):
        client.force_login(user)  # a day later the idle timeout has ended the old login
        assert _detail(client, hub) == 200


def test_hourly_job_empties_groups_of_users_whose_term_ended(db):
    hub = Hub.objects.get(jis_code="13")
    user = UserFactory()
    with time_machine.travel(datetime(2026, 3, 31, 12, 0, tzinfo=TOKYO), tick=False):
        AppointmentFactory(user=user, role=Role.COORDINATOR, hub=hub, fiscal_year=2025)
        assert user.groups.count() == 1
    with time_machine.travel(datetime(2026, 4, 1, 0, 5, tzinfo=TOKYO), tick=False):
        changed = services.access_sync_all()
    assert changed == 1
    assert user.groups.count() == 0


def test_appointment_edited_in_admin_changes_access_at_once(client, cast):
    client.force_login(cast.chief)
    assert _detail(client, cast.hub) == 200
    appointment = Appointment.objects.get(user=cast.chief)
    appointment.status = Appointment.Status.REVOKED
    appointment.save()  # as the admin's change form does
    assert _detail(client, cast.hub) == 404


def test_deactivated_user_holds_no_access(cast):
    cast.hq.is_active = False
    cast.hq.save()
    services.access_sync_for_user(user=cast.hq)
    assert hub_access(cast.hq).hub_ids(VIEW_RECORDS) == frozenset()


def test_bureau_reaches_its_own_hubs_only(cast):
    access = hub_access(cast.bureau)
    kanto = set(Hub.objects.filter(bureau__code="kanto").values_list("pk", flat=True))
    assert access.hub_ids("view_hub") == kanto
    assert access.hub_ids(VIEW_RECORDS) == frozenset()  # figures, never client records


def test_hq_reaches_every_hub_but_changes_no_records(cast):
    access = hub_access(cast.hq)
    assert access.hub_ids(VIEW_RECORDS) is None
    assert not access.can("change_hub_records", cast.hub.pk)


def test_superuser_without_appointment_has_no_hub_access(cast):
    assert hub_access(cast.admin).hub_ids("view_hub") == frozenset()


def test_two_bureau_users_cannot_both_decide_one_proposal(cast):
    proposal = AppointmentFactory(user=UserFactory(), role=Role.COORDINATOR, hub=cast.hub,
                                  status=Appointment.Status.PROPOSED)
    services.appointment_approve(appointment=proposal, by=cast.bureau)
    stale_copy = Appointment.objects.get(pk=proposal.pk)
    stale_copy.status = Appointment.Status.PROPOSED
    with pytest.raises(services.WorkflowError):
        services.appointment_reject(appointment=stale_copy, by=cast.bureau)
    assert Appointment.objects.get(pk=proposal.pk).status == Appointment.Status.APPROVED


def test_chief_proposes_coordinator_through_the_form(client, cast):
    client.force_login(cast.chief)
    today = datetime.now(TOKYO).date()
    response = client.post(reverse("hubs:appointment_propose", args=["13"]), {
        "email": "New.Person@Example.jp", "family_name": "新井", "given_name": "一",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=1)).isoformat(), "note": "",
    })
    assert response.status_code == 302
    proposal = Appointment.objects.get(user__email="new.person@example.jp")
    assert proposal.status == Appointment.Status.PROPOSED
    assert proposal.proposed_by == cast.chief
    assert not proposal.user.has_usable_password()


def test_proposal_beyond_31_march_is_refused_and_keeps_the_input(client, cast):
    client.force_login(cast.chief)
    today = datetime.now(TOKYO).date()
    response = client.post(reverse("hubs:appointment_propose", args=["13"]), {
        "email": "late@example.jp", "family_name": "遅野", "given_name": "太",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=400)).isoformat(), "note": "継続予定",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "任期はその年度の3月31日までに終わるようにしてください。" in body
    assert 'value="late@example.jp"' in body and "継続予定" in body
    assert not Appointment.objects.filter(user__email="late@example.jp").exists()
