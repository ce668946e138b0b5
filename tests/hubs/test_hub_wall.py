"""The second wall (hubs.rls): on PostgreSQL a query that forgets the scoping layer still
returns nothing from another hub, in a request and in a job, and cannot write another hub's
rows. SQLite has no row-level security; these run on PostgreSQL only (CI)."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.test import override_settings
from django.urls import path

from consultations.models import Case, Client, Session
from evaluation.models import SelfRating
from hubs import rls
from hubs.models import Hub
from tests.consultations.factories import SessionFactory
from tests.evaluation.factories import GuidelineFactory, ItemFactory, SelfCheckFactory
from yorozu.jobs import registry
from yorozu.jobs import services as job_services
from yorozu.jobs.models import Job

pytestmark = pytest.mark.needs_postgres


def careless_view(request):
    """A view that forgets the scoping layer (what the wall is for)."""
    return JsonResponse({
        "clients": sorted(Client.objects.values_list("name", flat=True)),
        "sessions": Session.objects.count(),
        "role": _role(),
    })


@login_not_required
def careless_public_view(request):
    return careless_view(request)


urlpatterns = [path("careless/", careless_view), path("public/", careless_public_view)]


@dataclass
class Records:
    own: Session
    other: Session


@pytest.fixture
def records(cast):
    return Records(own=_session(cast.hub, cast.coordinator, "自拠点商事"),
                   other=_session(cast.other_hub, cast.outsider, "他拠点商事"))


def _session(hub, lead, client_name):
    return SessionFactory(hub=hub, case__lead=lead, case__client__name=client_name)


def _role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def _careless_page(client, user, url="/careless/"):
    client.force_login(user)
    with override_settings(ROOT_URLCONF=__name__):
        return client.get(url).json()


@pytest.mark.parametrize("role", ["coordinator", "chief", "impl_org"])
def test_hub_staff_see_only_their_hub_when_the_scoping_layer_is_forgotten(
        client, cast, records, role):
    page = _careless_page(client, getattr(cast, role))
    assert page == {"clients": ["自拠点商事"], "sessions": 1, "role": rls.WALL_ROLE}


def test_bureau_staff_see_the_hubs_of_their_bureau_only(client, cast, records):
    kanto_neighbour = Hub.objects.get(jis_code="11")  # Saitama, also Kanto
    _session(kanto_neighbour, cast.coordinator, "埼玉商事")
    page = _careless_page(client, cast.bureau)
    assert page["clients"] == ["埼玉商事", "自拠点商事"]


def test_a_user_without_an_appointment_sees_no_hub_records(client, cast, records):
    nobody = type(cast.coordinator).objects.create_user(email="nobody@example.jp",
                                                         password="pw-for-tests-123")
    assert _careless_page(client, nobody) == {"clients": [], "sessions": 0,
                                              "role": rls.WALL_ROLE}


@pytest.mark.parametrize("role", ["hq", "admin"])
def test_hq_and_the_admin_see_every_hub(client, cast, records, role):
    page = _careless_page(client, getattr(cast, role))
    assert page["clients"] == ["他拠点商事", "自拠点商事"]
    assert page["role"] != rls.WALL_ROLE


def test_public_link_pages_find_their_row_whoever_is_logged_in(client, cast, records):
    # They reach one row by its single-use token (an agency's link opened on a computer
    # where a coordinator of another hub is logged in).
    page = _careless_page(client, cast.outsider, url="/public/")
    assert page["clients"] == ["他拠点商事", "自拠点商事"]
    assert page["role"] != rls.WALL_ROLE


def test_the_wall_comes_down_after_the_request(client, cast, records):
    _careless_page(client, cast.coordinator)
    assert _role() != rls.WALL_ROLE
    assert Client.objects.count() == 2


def test_rows_that_reach_their_hub_through_another_row_are_walled_too(cast):
    guideline = GuidelineFactory()
    ItemFactory(area__guideline=guideline)
    own = SelfCheckFactory(guideline=guideline, hub=cast.hub, user=cast.coordinator)
    SelfCheckFactory(guideline=guideline, hub=cast.other_hub, user=cast.outsider)
    assert SelfRating.objects.count() == 2  # one rating (a child row) on each self-check
    with rls.hub_wall([cast.hub.pk]):
        assert list(SelfRating.objects.values_list("self_check", flat=True)) == [own.pk]


def test_another_hubs_rows_cannot_be_written_or_changed(cast, records):
    with rls.hub_wall([cast.hub.pk]):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Client.objects.create(hub=cast.other_hub, name="越境商事", kind=Client.Kind.CORPORATION)
        assert Case.objects.filter(hub=cast.other_hub).update(outcome="書き換え") == 0
        assert Session.objects.filter(pk=records.other.pk).delete() == (0, {})
    records.other.case.refresh_from_db()
    assert records.other.case.outcome != "書き換え"


def test_nested_walls_restore_the_outer_one(cast, records):
    with rls.hub_wall([cast.hub.pk]):
        with rls.hub_wall(None):
            assert Client.objects.count() == 2
        assert list(Client.objects.values_list("name", flat=True)) == ["自拠点商事"]
    assert Client.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_connection_reopened_inside_the_wall_starts_behind_it(cast):
    # Outside a test transaction, so that the connection can really be closed and reopened.
    _session(cast.hub, cast.coordinator, "自拠点商事")
    _session(cast.other_hub, cast.outsider, "他拠点商事")
    with rls.hub_wall([cast.hub.pk]):
        connection.close()
        assert list(Client.objects.values_list("name", flat=True)) == ["自拠点商事"]
    assert Client.objects.count() == 2


@pytest.fixture
def careless_kind(monkeypatch):
    seen = []

    def run(job, progress):
        seen.append(sorted(Client.objects.values_list("name", flat=True)))

    monkeypatch.setitem(registry.KINDS, "careless", registry.JobKind(
        name="careless", label="careless", perm="view_hub", run=run, describe=None))
    return seen


def test_a_hubs_job_sees_only_that_hub(cast, records, careless_kind):
    job = Job.objects.create(kind="careless", scope=Job.Scope.HUB, hub=cast.hub)
    assert job_services.job_execute(job.pk) == Job.Status.DONE
    assert careless_kind == [["自拠点商事"]]
    assert _role() != rls.WALL_ROLE


def test_a_bureaus_job_sees_its_hubs_and_a_national_job_every_hub(cast, records,
                                                                 careless_kind):
    bureau_job = Job.objects.create(kind="careless", scope=Job.Scope.BUREAU,
                                    bureau=cast.hub.bureau)
    national_job = Job.objects.create(kind="careless", scope=Job.Scope.NATIONAL)
    job_services.job_execute(bureau_job.pk)
    job_services.job_execute(national_job.pk)
    assert careless_kind == [["自拠点商事"], ["他拠点商事", "自拠点商事"]]


def test_every_hub_owned_table_carries_the_wall(db):
    hub_owned = {m._meta.db_table for m in rls.walled_models()}
    assert {"consultations_client", "consultations_case", "consultations_session",
            "consultations_referral", "consultations_referrallink", "evaluation_hearing",
            "evaluation_score", "evaluation_selfrating", Job._meta.db_table} <= hub_owned
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relrowsecurity AND relname = ANY(%s)",
                       [sorted(hub_owned)])
        protected = {row[0] for row in cursor.fetchall()}
    assert protected == hub_owned
