"""The navigation bar's main menu (templates/_main_menu.html): only what the user's roles can
open, at their own hub, in their language. It is drawn once per key in a process
(hubs/templatetags/yorozu.py), so these tests open pages for different people and languages
one after another in the same process, as a server's worker does."""

import pytest
from django.conf import settings
from django.urls import reverse

from hubs.roles import Role
from tests.hubs.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _menu(client, user, language="ja") -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("home")).content.decode()
    start = html.index('<ul class="navbar-nav me-auto">')
    return html[start:html.index('<ul class="navbar-nav">', start)]


def test_each_coordinator_gets_the_links_of_their_own_hub(client, cast):
    tokyo = _menu(client, cast.coordinator)
    miyagi = _menu(client, cast.outsider)

    assert reverse("consultations:case_list", args=["13"]) in tokyo
    assert reverse("consultations:case_list", args=["04"]) not in tokyo
    assert reverse("consultations:case_list", args=["04"]) in miyagi
    assert reverse("consultations:case_list", args=["13"]) not in miyagi
    assert "東京都よろず支援拠点" in tokyo and "宮城県よろず支援拠点" in miyagi


def test_the_menu_follows_the_role_not_the_last_page_drawn(client, cast):
    hq = _menu(client, cast.hq)
    coordinator = _menu(client, cast.coordinator)
    hq_again = _menu(client, cast.hq)

    national = reverse("evaluation:national")
    assert national in hq and national in hq_again
    assert national not in coordinator
    assert reverse("consultations:quick_log", args=["13"]) in coordinator
    assert "consultations" not in hq


def test_a_new_appointment_changes_the_menu_at_once(client, cast):
    user = UserFactory()
    before = _menu(client, user)
    AppointmentFactory(user=user, role=Role.COORDINATOR, hub=cast.hub)
    after = _menu(client, user)

    assert reverse("consultations:quick_log", args=["13"]) not in before
    assert reverse("consultations:quick_log", args=["13"]) in after


@pytest.mark.parametrize("role", ["coordinator", "hq"])  # with an own hub, and without
def test_the_menu_speaks_the_language_of_the_page(client, cast, role):
    user = cast.by_role()[role]
    japanese = _menu(client, user, "ja")
    english = _menu(client, user, "en")

    assert "行動指針" in japanese and "Guideline" not in japanese
    assert "Guideline" in english and "行動指針" not in english
