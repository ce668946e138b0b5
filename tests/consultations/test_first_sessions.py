"""Each client's first session date (Client.first_session_on, consultations/first_sessions.py)
equals a recount from the sessions after every way sessions change: added, edited to another
day, moved to another client's case, deleted, imported; and "new clients" reads it."""

from datetime import date

import pytest
from django.db.models import Min

from consultations import services
from consultations.first_sessions import first_sessions_rebuild
from consultations.models import Client
from evaluation import figures
from tests.consultations.factories import CaseFactory, ClientFactory, SessionFactory

pytestmark = pytest.mark.django_db


def recounted() -> dict[int, date | None]:
    return dict(Client.objects.annotate(first=Min("cases__sessions__held_on"))
                .values_list("pk", "first"))


def kept() -> dict[int, date | None]:
    return dict(Client.objects.values_list("pk", "first_session_on"))


def _session_data(session, **changes) -> dict:
    data = {field: getattr(session, field) for field in services.SESSION_FIELDS}
    return {**data, **changes}


def test_a_clients_first_session_follows_every_change_to_its_sessions(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    other_case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    session = services.session_create(case=case, by=cast.coordinator, coordinators=None,
                                      data={"held_on": date(2025, 6, 2), "summary": "初回"})
    assert kept() == recounted()
    assert case.client.__class__.objects.get(pk=case.client_id).first_session_on == date(
        2025, 6, 2)

    earlier = services.session_create(case=case, by=cast.coordinator, coordinators=None,
                                      data={"held_on": date(2025, 5, 20), "summary": "前"})
    assert kept() == recounted()

    # Edited to a later day: the first session is the other one again.
    services.session_update(session=earlier, by=cast.coordinator, coordinators=None,
                            data=_session_data(earlier, held_on=date(2025, 7, 1)),
                            version=earlier.version)
    assert kept()[case.client_id] == date(2025, 6, 2) == recounted()[case.client_id]

    # Moved to another client's case (as the admin can): both clients recounted.
    session.case = other_case
    session.save()
    assert kept() == recounted()
    assert kept()[other_case.client_id] == date(2025, 6, 2)

    earlier.delete()
    assert kept() == recounted()
    assert kept()[case.client_id] is None  # no session left: not a client consulted yet


def test_the_quick_log_sets_a_new_clients_first_session(client, cast):
    from tests.consultations.test_consultations import _quick_log_data

    client.force_login(cast.coordinator)
    response = client.post(f"/consultations/{cast.hub.jis_code}/log/", _quick_log_data(cast))
    assert response.status_code == 302
    new = Client.objects.get(name="株式会社みらい製作所")
    assert new.first_session_on is not None and kept() == recounted()


def test_a_rebuild_after_a_bulk_load_matches_the_recount(cast):
    SessionFactory.create_batch(3, hub=cast.hub, case__lead=cast.coordinator)
    Client.objects.update(first_session_on=None)  # as rows written past the ORM's save
    first_sessions_rebuild(hub_ids=[cast.hub.pk])
    assert kept() == recounted()


def test_new_clients_are_counted_by_their_first_session(cast):
    returning = ClientFactory(hub=cast.hub)
    SessionFactory(hub=cast.hub, case__client=returning,
                   case__lead=cast.coordinator,
                   held_on=date(2024, 11, 5))
    SessionFactory(hub=cast.hub, case__client=returning,
                   case__lead=cast.coordinator,
                   held_on=date(2025, 5, 5))
    new = ClientFactory(hub=cast.hub)
    SessionFactory(hub=cast.hub, case__client=new, case__lead=cast.coordinator,
                   held_on=date(2025, 4, 10))
    ClientFactory(hub=cast.hub)  # on record, never consulted

    found = figures.new_clients(start=date(2025, 4, 1), end=date(2026, 3, 31),
                                hub_ids=[cast.hub.pk])
    assert {(c.pk, c.first_held_on) for c in found} == {(new.pk, date(2025, 4, 10))}


def test_a_client_read_before_a_session_was_saved_keeps_the_new_first_session(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    read_earlier = Client.objects.get(pk=case.client_id)
    SessionFactory(hub=cast.hub, case=case, held_on=date(2025, 9, 9))
    read_earlier.phone = "03-9999-0000"
    read_earlier.save()
    assert Client.objects.get(pk=case.client_id).first_session_on == date(2025, 9, 9)
