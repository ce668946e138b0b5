"""Proposing a coordinator by email must not tell the hub who already has an account under
that email: the hub sees what it typed (or the email), the bureau sees the account."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hubs import services
from hubs.models import Appointment
from hubs.roles import Role
from tests.hubs.factories import AppointmentFactory, UserFactory
from yorozu.core import fiscal

REAL_NAME = "秘匿 花子"
TYPED = {"family_name": "仮名", "given_name": "太郎"}


@pytest.fixture
def someone_elsewhere(cast):
    """An HQ staff member the Tokyo hub has no business knowing by name."""
    user = UserFactory(email="hanako.hitoku@hq.example.jp", family_name="秘匿",
                       given_name="花子")
    AppointmentFactory(user=user, role=Role.HQ)
    return user


def _propose(client, email):
    today = fiscal.today()
    return client.post(reverse("hubs:appointment_propose", args=["13"]), {
        "email": email, **TYPED, "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=1)).isoformat(), "note": "",
    }, follow=True)


def test_proposing_an_existing_email_does_not_show_the_hub_that_persons_name(
        client, cast, someone_elsewhere):
    client.force_login(cast.chief)
    response = _propose(client, someone_elsewhere.email.upper())
    assert response.status_code == 200
    body = response.content.decode()
    assert REAL_NAME not in body  # neither in the message nor in the queue below it
    assert "仮名 太郎" in body
    assert REAL_NAME not in client.get(reverse("home")).content.decode()


def test_the_hub_sees_its_typed_name_after_the_decision_too(client, cast, someone_elsewhere):
    client.force_login(cast.chief)
    _propose(client, someone_elsewhere.email)
    proposal = Appointment.objects.get(user=someone_elsewhere, role=Role.COORDINATOR)
    services.appointment_reject(appointment=proposal, by=cast.bureau, note="確認のため")
    body = client.get(reverse("hubs:appointment_list")).content.decode()
    assert REAL_NAME not in body and "仮名 太郎" in body


def test_withdrawing_does_not_show_the_name_either(client, cast, someone_elsewhere):
    client.force_login(cast.impl_org)
    _propose(client, someone_elsewhere.email)
    proposal = Appointment.objects.get(user=someone_elsewhere, role=Role.COORDINATOR)
    response = client.post(reverse("hubs:appointment_withdraw", args=[proposal.pk]),
                           follow=True)
    assert response.status_code == 200
    assert REAL_NAME not in response.content.decode()


def test_the_bureau_sees_the_account_and_the_name_the_hub_typed(client, cast,
                                                                someone_elsewhere):
    client.force_login(cast.chief)
    _propose(client, someone_elsewhere.email)
    client.force_login(cast.bureau)
    body = client.get(reverse("hubs:appointment_list")).content.decode()
    assert REAL_NAME in body and someone_elsewhere.email in body
    assert "仮名 太郎" in body  # so that the bureau notices the names differ


def test_a_new_person_is_shown_by_the_name_typed(client, cast):
    client.force_login(cast.chief)
    body = _propose(client, "arata@example.jp").content.decode()
    assert "仮名 太郎" in body
    assert Appointment.objects.get(user__email="arata@example.jp").user.get_full_name() == \
        "仮名 太郎"


def test_earlier_proposals_get_the_name_the_hub_could_have_typed(cast, someone_elsewhere):
    """The migration that added proposed_name: an account that existed before its proposal
    is named by its email; one the proposal created, by its own name."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module("hubs.migrations.0005_appointment_proposed_name")
    type(someone_elsewhere).objects.filter(pk=someone_elsewhere.pk).update(
        date_joined=timezone.now() - timedelta(days=300))
    newcomer = UserFactory(family_name="新井", given_name="一")
    existing, created = (
        AppointmentFactory(user=user, role=Role.COORDINATOR, hub=cast.hub,
                           status=Appointment.Status.PROPOSED, proposed_by=cast.chief)
        for user in (someone_elsewhere, newcomer))

    migration.name_earlier_proposals(apps, None)

    existing.refresh_from_db()
    created.refresh_from_db()
    assert existing.proposed_name == someone_elsewhere.email
    assert created.proposed_name == "新井 一"
