"""The read-only REST API: a token per user, the same scoping as the pages (another hub's
object is a 404 exactly like a missing one), figures from evaluation/figures.py with their
anonymity minimum, no personal data, a rate limit, and a valid OpenAPI document."""

import json
from datetime import timedelta

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate

from evaluation.figures import hub_year
from evaluation.models import Hearing
from evaluation.plans.models import AnnualPlan
from evaluation.surveys.models import SatisfactionResponse
from hubs import rls
from hubs.access import authorise
from hubs.models import Appointment, Hub
from hubs.roles import VIEW_AGGREGATES
from tests.api.helpers import api_get, published_hearing
from tests.consultations.factories import CaseFactory, ReferralFactory, SessionFactory
from tests.evaluation.factories import plan_with_content
from tests.hubs.factories import AgencyFactory
from yorozu.api import tokens
from yorozu.api.models import UserToken
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


def _codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["hub"]["jis_code"] if "hub" in row else row["jis_code"]
            for row in response.json()["results"]]


# --- Authentication -----------------------------------------------------------------------------
def test_without_a_token_the_api_answers_401_even_to_a_logged_in_page_user(client, cast):
    url = reverse("api:hub-list")
    assert client.get(url).status_code == 401
    client.force_login(cast.hq)
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_or_revoked_token_answers_401(client, cast):
    url = reverse("api:hub-list")
    token = tokens.token_issue(user=cast.hq, purpose="api")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}x").status_code == 401
    tokens.token_revoke(user=cast.hq, purpose="api")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_calendar_token_opens_no_api(client, cast):
    token = tokens.token_issue(user=cast.hq, purpose="calendar")
    response = client.get(reverse("api:hub-list"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_only_the_hash_of_a_token_is_stored(cast):
    token = tokens.token_issue(user=cast.chief, purpose="api")
    row = UserToken.objects.get(user=cast.chief)
    assert token not in {row.token_hash, row.hint} and len(row.token_hash) == 64
    assert tokens.token_issue(user=cast.chief, purpose="api") != token  # replaces it
    assert UserToken.objects.filter(user=cast.chief).count() == 1


def test_a_user_whose_term_ended_overnight_sees_nothing(client, cast):
    yesterday = fiscal.today() - timedelta(days=1)
    Appointment.objects.filter(user=cast.coordinator).update(ends_on=yesterday)
    type(cast.coordinator).objects.filter(pk=cast.coordinator.pk).update(
        access_synced_on=yesterday)
    assert _codes(api_get(client, cast.coordinator, reverse("api:hub-list"))) == []


def test_the_api_runs_behind_the_hub_wall_of_the_tokens_user(client, cast, monkeypatch):
    from yorozu.api import selectors

    seen, original = [], selectors.hubs_visible
    monkeypatch.setattr(selectors, "hubs_visible",
                        lambda **kw: seen.append(rls.current()) or original(**kw))
    api_get(client, cast.coordinator, reverse("api:hub-list"))
    assert seen == [frozenset({cast.hub.pk})]
    assert rls.current() is None  # lowered again after the response


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, cast, method):
    token = tokens.token_issue(user=cast.hq, purpose="api")
    for url in (reverse("api:hub-list"), reverse("api:hub-detail", args=["13"])):
        response = getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 405


# --- Scoping per role and tenant ------------------------------------------------------------------
def test_each_role_lists_the_hubs_it_sees(client, cast):
    kanto = sorted(Hub.objects.filter(bureau=cast.hub.bureau).values_list("jis_code", flat=True))
    expected = {"coordinator": ["13"], "chief": ["13"], "impl_org": ["13"], "bureau": kanto,
                "admin": []}
    for role, codes in expected.items():
        assert _codes(api_get(client, cast.by_role()[role], reverse("api:hub-list"))) == codes
    everything = api_get(client, cast.hq, reverse("api:hub-list")).json()
    assert everything["count"] == 47 and everything["next"] is None


def test_figures_are_listed_for_the_hubs_a_role_sees(client, cast):
    assert _codes(api_get(client, cast.coordinator, reverse("api:figures-list"))) == ["13"]
    assert "04" not in _codes(api_get(client, cast.bureau, reverse("api:figures-list")))
    assert len(_codes(api_get(client, cast.hq, reverse("api:figures-list")))) == 47


DETAILS = ["api:hub-detail", "api:figures-detail", "api:plan-detail", "api:result-detail"]


@pytest.mark.parametrize("role", ["coordinator", "chief", "impl_org", "bureau"])
@pytest.mark.parametrize("name", DETAILS)
def test_another_hubs_object_reads_exactly_like_a_missing_one(client, cast, role, name):
    for hub in (cast.hub, cast.other_hub):
        plan_with_content(hub=hub, fiscal_year=YEAR)
        published_hearing(hub, cast.hq)
    user = cast.by_role()[role]
    own = api_get(client, user, reverse(name, args=["13"]))
    other = api_get(client, user, reverse(name, args=["04"]))
    missing = api_get(client, user, reverse(name, args=["99"]))
    assert own.status_code == 200
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content
    assert api_get(client, cast.hq, reverse(name, args=["04"])).status_code == 200


def test_plans_follow_the_pages_scoping(client, cast):
    plan_with_content(hub=cast.hub, fiscal_year=YEAR,
                      content={"targets": {"sessions": {"year": 120, "months": [10] * 12}}})
    plan_with_content(hub=cast.other_hub, fiscal_year=YEAR)
    bureau = api_get(client, cast.bureau, reverse("api:plan-list")).json()["results"]
    assert [p["hub"]["jis_code"] for p in bureau] == ["13"]
    assert bureau[0]["status"] == AnnualPlan.Status.DRAFT
    assert bureau[0]["targets_accepted"] is False
    assert bureau[0]["targets"]["sessions"]["year"] == 120
    hq = api_get(client, cast.hq, reverse("api:plan-list") + f"?year={YEAR}").json()
    assert [p["hub"]["jis_code"] for p in hq["results"]] == ["04", "13"]
    assert api_get(client, cast.hq, reverse("api:plan-list") + f"?year={YEAR - 1}"
                   ).json()["count"] == 0


def test_results_show_as_on_the_result_page(client, cast):
    published_hearing(cast.hub, cast.hq, level=4)
    published_hearing(cast.other_hub, cast.hq, status=Hearing.Status.FINALISED)
    chief = api_get(client, cast.chief, reverse("api:result-list")).json()["results"]
    assert [(r["hub"]["jis_code"], r["levels"][0]["level"]) for r in chief] == [("13", 4)]
    # A finalised, unpublished hearing: HQ's alone.
    assert _codes(api_get(client, cast.hq, reverse("api:result-list"))) == ["04", "13"]
    detail = api_get(client, cast.chief, reverse("api:result-detail", args=["13"])).json()
    # Two hubs scored: too few for the distribution to be shown (it would give one away).
    assert detail["distribution"][0]["levels"] is None


def test_a_scheduled_hearing_is_not_a_result(client, cast):
    published_hearing(cast.hub, cast.hq, status=Hearing.Status.SCHEDULED)
    for user in (cast.chief, cast.hq):
        assert _codes(api_get(client, user, reverse("api:result-list"))) == []


# --- Figures ----------------------------------------------------------------------------------
def test_figures_are_the_hub_figures_of_evaluation(client, cast):
    for _ in range(3):
        SessionFactory(hub=cast.hub, case__lead=cast.coordinator)
    SessionFactory(hub=cast.other_hub, case__lead=cast.outsider)
    row = api_get(client, cast.chief, reverse("api:figures-detail", args=["13"])).json()
    page = hub_year(hub=authorise(cast.chief, VIEW_AGGREGATES, cast.hub), fiscal_year=YEAR)
    assert row["year"]["sessions"] == page["sessions"] == 3
    assert row["year"]["new_clients"] == page["new_clients"] == 3
    this_month = fiscal.today().strftime("%Y-%m")
    month = next(m for m in row["months"] if m["month"] == this_month)
    assert month["sessions"] == 3 and month["cases_opened"] == 3 and month["cases_expert"] == 3
    assert row["months"][0]["month"] == f"{YEAR}-04" and len(row["months"]) == 12


@pytest.mark.parametrize(("answers", "shown"), [(4, None), (5, 80.0)])
def test_satisfaction_below_the_anonymity_minimum_is_withheld(client, cast, answers, shown):
    for i in range(answers):
        SatisfactionResponse.objects.create(
            hub=cast.hub, coordinator=cast.coordinator, answered_on=fiscal.today(),
            **{q: 5 if i else 2 for q in SatisfactionResponse.QUESTIONS})
    row = api_get(client, cast.bureau, reverse("api:figures-detail", args=["13"])).json()
    this_month = fiscal.today().strftime("%Y-%m")
    month = next(m for m in row["months"] if m["month"] == this_month)
    assert month["satisfaction"] == shown and row["year"]["satisfaction"] == shown
    assert "answers" not in month  # no count small enough to point at someone


def test_a_bad_year_is_a_400_not_an_error(client, cast):
    response = api_get(client, cast.hq, reverse("api:figures-list") + "?year=abc")
    assert response.status_code == 400 and "year" in response.json()


def test_no_personal_data_goes_through_the_api(client, cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__name="山田製作所",
                       client__email="yamada@example.jp")
    SessionFactory(hub=cast.hub, case=case)
    ReferralFactory(hub=cast.hub, case=case, agency=AgencyFactory(hub=cast.hub))
    plan_with_content(hub=cast.hub, fiscal_year=YEAR)
    AnnualPlan.objects.filter(hub=cast.hub).update(updated_by=cast.chief)
    published_hearing(cast.hub, cast.hq)
    body = "".join(api_get(client, cast.hq, reverse(name)).content.decode()
                   for name in ("api:hub-list", "api:figures-list", "api:plan-list",
                                "api:result-list"))
    body += api_get(client, cast.hq, reverse("api:result-detail", args=["13"])).content.decode()
    for personal in ("山田製作所", "yamada@example.jp", cast.hq.email, cast.chief.email,
                     "山田太郎", "証拠メモ"):
        assert personal not in body


# --- Rate limit, pagination, document -------------------------------------------------------------
def test_the_api_is_rate_limited_per_user(client, cast, settings):
    settings.API_RATE = "3/hour"
    token = tokens.token_issue(user=cast.hq, purpose="api")
    codes = [client.get(reverse("api:hub-list"), HTTP_AUTHORIZATION=f"Bearer {token}")
             for _ in range(4)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429]
    assert "リクエストが多すぎます" in codes[-1].json()["detail"]
    assert int(codes[-1]["Retry-After"]) > 0
    other = tokens.token_issue(user=cast.chief, purpose="api")  # another user is not affected
    assert client.get(reverse("api:hub-list"),
                      HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200


def test_lists_are_paginated(client, cast, monkeypatch):
    from rest_framework.pagination import PageNumberPagination

    monkeypatch.setattr(PageNumberPagination, "page_size", 20)  # read once, at import
    first = api_get(client, cast.hq, reverse("api:hub-list")).json()
    assert (first["count"], len(first["results"])) == (47, 20) and "page=2" in first["next"]
    last = api_get(client, cast.hq, reverse("api:figures-list") + "?page=3").json()
    assert len(last["results"]) == 7 and last["next"] is None


def test_responses_are_not_cached(client, cast):
    response = api_get(client, cast.hq, reverse("api:hub-list"))
    assert "no-store" in response["Cache-Control"]


def test_the_openapi_document_validates(tmp_path):
    # --fail-on-warn: a view or serializer drf-spectacular cannot describe fails the test.
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    validate(document)  # raises on anything the OpenAPI 3 specification refuses
    assert set(document["paths"]) >= {"/api/v1/hubs/", "/api/v1/figures/{jis_code}/",
                                      "/api/v1/plans/", "/api/v1/results/{jis_code}/"}
    assert not any(op in item for item in document["paths"].values()
                   for op in ("post", "put", "patch", "delete"))


def test_the_validation_would_catch_a_broken_document():
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    with pytest.raises(OpenAPIValidationError):
        validate({"openapi": "3.0.3", "info": {"title": "x"}, "paths": {}})


def test_the_document_is_served_to_token_and_page_users(client, cast):
    url = reverse("api:schema") + "?format=json"
    assert client.get(url).status_code == 401
    served = api_get(client, cast.coordinator, url)
    assert served.status_code == 200
    validate(json.loads(served.content))
    client.force_login(cast.coordinator)
    assert client.get(url).status_code == 200
