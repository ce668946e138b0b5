"""The load run (`make load`, yorozu/bench/load.py): the coordinators it logs in, the mix it
hands locust (the bench's own pages of each coordinator), and how it judges a run. locust
itself is not imported here: it patches the standard library for gevent as it is imported,
and it is installed only by `make load`."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from consultations.models import Case
from hubs.roles import Role
from tests.consultations.factories import CaseFactory
from tests.hubs.factories import AppointmentFactory, UserFactory
from yorozu.bench.load import MIX, coordinators, load_plan, runs, summary
from yorozu.bench.pages import cast_around, daily_pages
from yorozu.core import fiscal

# The bench's pages include its floor page, served by the bench's URLs.
pytestmark = pytest.mark.urls("yorozu.bench.urls")


@pytest.fixture
def leads(cast):
    """Two coordinators at Tokyo and one at Miyagi, each leading an open case at their hub;
    one more at Tokyo whose only case is closed."""
    second = UserFactory()
    AppointmentFactory(user=second, role=Role.COORDINATOR, hub=cast.hub)
    idle = UserFactory()
    AppointmentFactory(user=idle, role=Role.COORDINATOR, hub=cast.hub)
    for user, hub in [(cast.coordinator, cast.hub), (second, cast.hub),
                      (cast.outsider, cast.other_hub)]:
        CaseFactory(hub=hub, lead=user)
    CaseFactory(hub=cast.hub, lead=idle, status=Case.Status.CLOSED, closed_on=fiscal.today())
    return {"tokyo": [cast.coordinator, second], "miyagi": cast.outsider, "idle": idle}


def test_coordinators_are_taken_from_each_hub_in_turn(leads):
    taken = [(one.hub.jis_code, one.user) for one in coordinators(count=10)]
    assert taken == [("04", leads["miyagi"]), ("13", leads["tokyo"][0]),
                     ("13", leads["tokyo"][1])]
    assert [one.hub.jis_code for one in coordinators(count=2)] == ["04", "13"]


def test_each_persons_pages_are_the_bench_pages_of_their_own_hub_and_case(leads):
    plan = load_plan(users=3)
    for person in plan["people"]:
        coordinator = next(one for one in coordinators(count=3) if one.user.email ==
                           person["email"])
        bench = {page.name: page for page in daily_pages(
            cast_around(hub=coordinator.hub, coordinator=coordinator.user))}
        assert [page["name"] for page in person["pages"]] == list(MIX)
        for page in person["pages"]:
            assert (page["path"], page["form"], page["expect"]) == (
                bench[page["name"]].path, bench[page["name"]].form, bench[page["name"]].expect)
        paths = {page["name"]: page["path"] for page in person["pages"]}
        own_case = Case.objects.get(lead=coordinator.user)
        assert paths["case detail"] == reverse("consultations:case_detail", args=[own_case.pk])
        assert paths["follow-ups"] == reverse("consultations:followups",
                                              args=[coordinator.hub.jis_code])


def test_one_action_in_ten_saves_a_session_on_the_persons_own_open_case(leads):
    person = load_plan(users=1)["people"][0]
    save = next(page for page in person["pages"] if page["form"] is not None)
    own_case = Case.objects.get(lead=leads["miyagi"], status=Case.Status.OPEN)
    assert save["weight"] / sum(page["weight"] for page in person["pages"]) == 0.1
    assert save["form"]["target"] == f"case:{own_case.pk}"
    assert save["form"]["session-coordinators"] == [str(leads["miyagi"].pk)]
    assert (save["form_page"], save["redirect_page"]) == ("quick log", "case detail")


def test_each_person_is_logged_in_as_themselves(leads):
    for person in load_plan(users=3)["people"]:
        name, key = person["cookie"].split("=", 1)
        assert name == settings.SESSION_COOKIE_NAME
        user_id = SessionStore(session_key=key).load()["_auth_user_id"]
        assert int(user_id) == next(one.user.pk for one in coordinators(count=3)
                                    if one.user.email == person["email"])


def test_every_page_of_the_mix_answers_as_the_load_run_expects(client, leads):
    person = load_plan(users=1)["people"][0]
    client.force_login(leads["miyagi"])
    for page in person["pages"]:
        if page["form"] is None:
            response = client.get(page["path"])
        else:
            response = client.post(page["path"], page["form"])
        assert response.status_code == page["expect"], page["name"]


def records(times: list[float], *, statuses: dict[int, int] | None = None) -> list[dict]:
    """One request every tenth of a second; `statuses` gives some of them a failing status."""
    statuses = statuses or {}
    return [{"name": "case list" if n % 2 else "coordinator home", "start": 1000 + n / 10,
             "ms": ms, "status": statuses.get(n, 200),
             "error": f"{statuses[n]}, expected 200" if n in statuses else None}
            for n, ms in enumerate(times)]


@pytest.fixture
def thinking():
    return runs(users=200, seconds=300, closed_users=0, closed_seconds=0)[0]


def test_a_run_within_its_p95_and_without_errors_passes(thinking):
    result = summary(records([20.0] * 95 + [290.0] * 5), run=thinking, peak_load=1.0)
    assert result["passed"] and result["errors"] == 0
    assert result["requests"] == 100 and result["pages"]["case list"]["requests"] == 50
    # From the first start to the last answer: 9.9 s, and the last request's 290 ms.
    assert result["throughput_rps"] == pytest.approx(100 / 10.19, abs=0.05)


def test_one_error_fails_the_run_and_is_shown(thinking):
    result = summary(records([20.0] * 100, statuses={7: 500}), run=thinking, peak_load=1.0)
    assert not result["passed"] and result["errors"] == 1
    assert result["error_kinds"] == {"case list: 500, expected 200": 1}
    assert result["pages"]["case list"]["failed"] == 1


def test_a_p95_over_the_target_fails_the_run(thinking):
    result = summary(records([20.0] * 90 + [400.0] * 10), run=thinking, peak_load=1.0)
    assert result["errors"] == 0 and result["p95_ms"] == 400
    assert not result["passed"]


def test_the_closed_loop_has_no_p95_target_but_no_error_either():
    closed = runs(users=0, seconds=0, closed_users=50, closed_seconds=120)[0]
    assert summary(records([2500.0] * 100), run=closed, peak_load=1.0)["passed"]
    assert not summary(records([20.0] * 100, statuses={3: 502}), run=closed,
                       peak_load=1.0)["passed"]
