"""Offices share computers: a page with clients' or a hub's data must not stay in the
browser's cache (or any cache on the way) after the user has left."""

import pytest
from django.urls import reverse

from tests.consultations.factories import CaseFactory


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.fixture
def case(cast):
    return CaseFactory(hub=cast.hub, lead=cast.coordinator)


@pytest.mark.parametrize("url", [
    lambda c: reverse("home"),
    lambda c: reverse("consultations:case_detail", args=[c.pk]),
    lambda c: reverse("consultations:client_detail", args=[c.client_id]),
    lambda c: reverse("consultations:client_search", args=["13"]) + "?q=試験",
    lambda c: reverse("consultations:case_list", args=["13"]),
    lambda c: reverse("consultations:case_list", args=["13"]) + "?format=xlsx",
    lambda c: reverse("consultations:my_cases"),
    lambda c: reverse("hubs:hub_detail", args=["13"]),
], ids=["home", "case", "client", "client-search", "case-list", "export", "my-cases", "hub"])
def test_pages_for_a_logged_in_user_are_not_stored(client, cast, case, url):
    client.force_login(cast.coordinator)
    response = client.get(url(case))
    assert response.status_code == 200
    assert {"no-store", "private"} <= _cache_control(response)


def test_a_view_that_sets_its_own_cache_control_keeps_it(client, cast):
    client.force_login(cast.coordinator)
    response = client.get(reverse("healthz"))  # never_cache
    assert {"no-cache", "no-store", "must-revalidate", "private"} <= _cache_control(response)
    assert response["Cache-Control"].count("no-store") == 1


def test_static_files_stay_cacheable_for_a_logged_in_user(client, cast):
    client.force_login(cast.coordinator)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in _cache_control(response)
    assert "public" in _cache_control(response) or "max-age" in response["Cache-Control"]

