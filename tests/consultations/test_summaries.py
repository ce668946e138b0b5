"""What is kept of the sessions (consultations/summaries.py): each client's first session day,
each case's session count, first and last session, and each session's standing step and case
depth equal a recount from the records after every way they change: sessions added, edited
to another day, moved to another client's case, deleted, imported, loaded in bulk, and cases
closed, reopened and given another depth; and "new clients", the case list, the follow-ups
and the hub page's expert sessions read them."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.db.models import Count, F, Max, Min

from consultations import services
from consultations.models import Case, CaseTopic, Client, Session
from consultations.summaries import summaries_rebuild
from evaluation import figures
from hubs.access import authorise
from hubs.roles import VIEW_AGGREGATES
from tests.consultations.factories import CaseFactory, ClientFactory, SessionFactory
from yorozu.core import fiscal

pytestmark = pytest.mark.django_db


def recounted() -> dict[int, date | None]:
    return dict(Client.objects.annotate(first=Min("cases__sessions__held_on"))
                .values_list("pk", "first"))


def kept() -> dict[int, date | None]:
    return dict(Client.objects.values_list("pk", "first_session_on"))


def cases_recounted() -> dict[int, tuple]:
    return {pk: (n, first, last) for pk, n, first, last in Case.objects.annotate(
        n=Count("sessions"), first=Min("sessions__held_on"), last=Max("sessions__held_on"))
        .values_list("pk", "n", "first", "last")}


def cases_kept() -> dict[int, tuple]:
    return {pk: (n, first, last) for pk, n, first, last in Case.objects.values_list(
        "pk", "session_count", "first_session_on", "last_session_on")}


def steps_recounted() -> dict[int, bool]:
    """Whether each session's next step stands, worked out afresh: it has one, its case is
    open and no session of the case is later."""
    last = dict(Case.objects.annotate(last=Max("sessions__held_on")).values_list("pk", "last"))
    return {pk: due is not None and status == Case.Status.OPEN and held_on == last[case_id]
            for pk, due, status, held_on, case_id in Session.objects.values_list(
                "pk", "next_step_due", "case__status", "held_on", "case_id")}


def steps_kept() -> dict[int, bool]:
    return dict(Session.objects.values_list("pk", "step_stands"))


def depths_recounted() -> dict[int, str]:
    return dict(Session.objects.values_list("pk", "case__depth"))


def depths_kept() -> dict[int, str]:
    return dict(Session.objects.values_list("pk", "case_depth"))


def assert_all_kept() -> None:
    assert kept() == recounted()
    assert cases_kept() == cases_recounted()
    assert steps_kept() == steps_recounted()
    assert depths_kept() == depths_recounted()
    # And every topic link carries its case's hub (the case list counts topics by it).
    assert not CaseTopic.objects.exclude(hub=F("case__hub")).exists()


def _session_data(session, **changes) -> dict:
    data = {field: getattr(session, field) for field in services.SESSION_FIELDS}
    return {**data, **changes}


def test_a_clients_first_session_follows_every_change_to_its_sessions(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    other_case = CaseFactory(hub=cast.hub, lead=cast.coordinator, depth=Case.Depth.POLICY)
    session = services.session_create(case=case, by=cast.coordinator, coordinators=None,
                                      data={"held_on": date(2025, 6, 2), "summary": "初回"})
    assert_all_kept()
    assert case.client.__class__.objects.get(pk=case.client_id).first_session_on == date(
        2025, 6, 2)

    earlier = services.session_create(case=case, by=cast.coordinator, coordinators=None,
                                      data={"held_on": date(2025, 5, 20), "summary": "前"})
    assert_all_kept()
    assert cases_kept()[case.pk] == (2, date(2025, 5, 20), date(2025, 6, 2))

    # Edited to a later day: the first session is the other one again.
    services.session_update(session=earlier, by=cast.coordinator, coordinators=None,
                            data=_session_data(earlier, held_on=date(2025, 7, 1)),
                            version=earlier.version)
    assert kept()[case.client_id] == date(2025, 6, 2) == recounted()[case.client_id]
    assert cases_kept()[case.pk] == (2, date(2025, 6, 2), date(2025, 7, 1)) == cases_recounted()[
        case.pk]

    # Moved to another client's case (as the admin can): both clients and cases recounted,
    # and the session takes the other case's depth.
    session.case = other_case
    session.save()
    assert_all_kept()
    assert kept()[other_case.client_id] == date(2025, 6, 2)
    assert depths_kept()[session.pk] == Case.Depth.POLICY
    assert cases_kept()[case.pk] == (1, date(2025, 7, 1), date(2025, 7, 1))
    assert cases_kept()[other_case.pk] == (1, date(2025, 6, 2), date(2025, 6, 2))

    earlier.delete()
    assert_all_kept()
    assert kept()[case.client_id] is None  # no session left: not a client consulted yet
    assert cases_kept()[case.pk] == (0, None, None)


def test_the_quick_log_sets_a_new_clients_first_session(client, cast):
    from tests.consultations.test_consultations import _quick_log_data

    client.force_login(cast.coordinator)
    response = client.post(f"/consultations/{cast.hub.jis_code}/log/", _quick_log_data(cast))
    assert response.status_code == 302
    new = Client.objects.get(name="株式会社みらい製作所")
    assert new.first_session_on is not None
    assert_all_kept()


def test_a_rebuild_after_a_bulk_load_matches_the_recount(cast):
    SessionFactory.create_batch(3, hub=cast.hub, case__lead=cast.coordinator)
    Client.objects.update(first_session_on=None)  # as rows written past the ORM's save
    Case.objects.update(session_count=0, first_session_on=None, last_session_on=None)
    summaries_rebuild(hub_ids=[cast.hub.pk])
    assert_all_kept()


def test_the_migration_fills_every_cases_first_session(cast):
    fill = importlib.import_module("consultations.migrations.0016_case_first_session").fill
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    for day in (date(2025, 6, 2), date(2025, 4, 8), date(2025, 9, 1)):
        SessionFactory(hub=cast.hub, case=case, held_on=day)
    SessionFactory(hub=cast.hub, case__lead=cast.coordinator, held_on=date(2024, 5, 5))
    CaseFactory(hub=cast.hub, lead=cast.coordinator)  # no session: none
    Case.objects.update(first_session_on=None)  # as the column is added
    fill(apps, None)
    assert cases_kept()[case.pk] == (3, date(2025, 4, 8), date(2025, 9, 1))
    assert_all_kept()


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


def test_records_read_before_a_session_was_saved_keep_what_it_changed(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    client_read, case_read = Client.objects.get(pk=case.client_id), Case.objects.get(pk=case.pk)
    SessionFactory(hub=cast.hub, case=case, held_on=date(2025, 9, 9))
    client_read.phone = "03-9999-0000"
    client_read.save()
    case_read.outcome = "販路が広がった"
    case_read.save()
    assert Client.objects.get(pk=case.client_id).first_session_on == date(2025, 9, 9)
    assert_all_kept()


def test_a_next_step_stands_until_a_later_session_or_the_case_closes(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    step = {"next_step": "見積書を確認", "next_step_due": date(2025, 6, 20)}
    first = services.session_create(case=case, by=cast.coordinator, coordinators=None,
                                    data={"held_on": date(2025, 6, 2), "summary": "初回", **step})
    assert steps_kept()[first.pk] is True
    assert_all_kept()

    later = services.session_create(case=case, by=cast.coordinator, coordinators=None,
                                    data={"held_on": date(2025, 6, 9), "summary": "二回目"})
    assert steps_kept()[first.pk] is False  # superseded by the later session
    assert_all_kept()

    later.delete()
    assert steps_kept()[first.pk] is True  # the later session gone: it stands again
    assert_all_kept()

    case.status, case.closed_on = Case.Status.RESOLVED, date(2025, 6, 30)
    case.save()
    assert steps_kept()[first.pk] is False
    assert_all_kept()

    case.status, case.closed_on = Case.Status.OPEN, None
    case.save()
    assert steps_kept()[first.pk] is True
    assert_all_kept()


def test_a_session_read_before_its_step_changed_does_not_write_it_back(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    first = SessionFactory(hub=cast.hub, case=case, held_on=date(2025, 6, 2),
                           next_step="電話する", next_step_due=date(2025, 6, 20))
    read = Session.objects.get(pk=first.pk)
    assert read.step_stands is True
    SessionFactory(hub=cast.hub, case=case, held_on=date(2025, 6, 9))
    read.summary = "追記"
    read.save()
    assert Session.objects.get(pk=first.pk).step_stands is False
    assert_all_kept()


def _expert_sessions_on_the_hub_page(cast) -> int:
    hub = authorise(cast.chief, VIEW_AGGREGATES, cast.hub)
    return figures.hub_year(hub=hub, fiscal_year=fiscal.current_fiscal_year())[
        "expert_sessions"]


def test_sessions_take_their_cases_depth_as_it_changes(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, depth=Case.Depth.EXPERT)
    sessions = SessionFactory.create_batch(2, hub=cast.hub, case=case, held_on=fiscal.today())
    SessionFactory(hub=cast.hub, case__lead=cast.coordinator, case__depth=Case.Depth.REFERRAL,
                   held_on=fiscal.today())
    SessionFactory(hub=cast.other_hub, case__lead=cast.outsider, held_on=fiscal.today())
    read = Session.objects.get(pk=sessions[0].pk)
    assert read.case_depth == Case.Depth.EXPERT
    assert _expert_sessions_on_the_hub_page(cast) == 2
    assert_all_kept()

    case.depth = Case.Depth.POLICY
    case.save()
    assert set(depths_kept()[s.pk] for s in sessions) == {Case.Depth.POLICY}
    assert _expert_sessions_on_the_hub_page(cast) == 0
    assert_all_kept()

    # A session read before the change does not write its old depth back.
    read.summary = "追記"
    read.save()
    assert depths_kept()[read.pk] == Case.Depth.POLICY
    assert_all_kept()


def test_a_rebuild_sets_every_sessions_case_depth_of_its_hubs(cast):
    SessionFactory.create_batch(2, hub=cast.hub, case__lead=cast.coordinator,
                                case__depth=Case.Depth.POLICY)
    SessionFactory(hub=cast.hub, case__lead=cast.coordinator, case__depth=Case.Depth.EXPERT)
    elsewhere = SessionFactory(hub=cast.other_hub, case__lead=cast.outsider)
    Session.objects.update(case_depth=Case.Depth.REFERRAL)  # as rows written past the save

    summaries_rebuild(hub_ids=[cast.hub.pk], case_depths=False)  # the load wrote them
    assert set(depths_kept().values()) == {Case.Depth.REFERRAL}

    summaries_rebuild(hub_ids=[cast.hub.pk])
    assert depths_kept()[elsewhere.pk] == Case.Depth.REFERRAL  # another hub's: left alone
    summaries_rebuild()
    assert_all_kept()


def test_a_rebuild_marks_the_standing_steps(cast):
    SessionFactory.create_batch(3, hub=cast.hub, case__lead=cast.coordinator,
                                next_step="連絡", next_step_due=date(2025, 7, 1))
    Session.objects.update(step_stands=False)  # as rows written past the ORM's save
    summaries_rebuild(hub_ids=[cast.hub.pk])
    assert any(steps_kept().values())
    assert_all_kept()
