from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from hubs.models import Appointment, Bureau, Hub, HubGroupObjectPermission, SupportAgency


def _counts():
    return {model.__name__: model.objects.count() for model in (
        get_user_model(), Appointment, SupportAgency, Hub, Bureau, Group,
        HubGroupObjectPermission)}


def test_seed_demo_twice_gives_the_same_counts(db):
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    assert first["Hub"] == 47 and first["Bureau"] == 9
    assert first["User"] >= 20 and first["SupportAgency"] >= 20


def test_seed_demo_gives_every_role_a_working_login(client, db):
    call_command("seed_demo", stdout=StringIO())
    for email in ["hq@example.jp", "bureau.kanto@example.jp", "chief.tokyo@example.jp",
                  "org.tokyo@example.jp", "coord1.tokyo@example.jp"]:
        client.logout()
        response = client.post("/accounts/login/", {"username": email,
                                                    "password": "yorozu-demo-2026"})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200
