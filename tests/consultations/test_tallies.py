"""Sessions per hub, month and channel and cases opened per hub, month and depth (the tallies
of consultations/tallies.py) equal a recount from the records after every way they change:
added, edited to another month, channel or depth, moved to another case, deleted, imported,
loaded in bulk; and the plan dashboards' monthly figures read them."""

from datetime import date

import pytest
from django.db.models import Count
from django.db.models.functions import TruncMonth

from consultations import services
from consultations.models import Case, CaseTally, Session, SessionTally
from consultations.tallies import tallies_rebuild
from evaluation.plans import actuals
from tests.consultations.factories import CaseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def recounted() -> set[tuple]:
    return set(Session.objects.order_by().annotate(month=TruncMonth("held_on"))
               .values_list("hub_id", "month", "channel").annotate(n=Count("*")))


def kept() -> set[tuple]:
    return set(SessionTally.objects.values_list("hub_id", "month", "channel", "sessions"))


def cases_recounted() -> set[tuple]:
    return set(Case.objects.order_by().annotate(month=TruncMonth("opened_on"))
               .values_list("hub_id", "month", "depth").annotate(n=Count("*")))


def cases_kept() -> set[tuple]:
    return set(CaseTally.objects.values_list("hub_id", "month", "depth", "cases"))


def _data(session, **changes) -> dict:
    return {**{f: getattr(session, f) for f in services.SESSION_FIELDS}, **changes}


def test_the_tally_follows_every_change_to_the_sessions(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    other = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    first = services.session_create(case=case, by=cast.coordinator, coordinators=None,
                                    data={"held_on": date(2025, 6, 2), "summary": "一"})
    second = services.session_create(case=case, by=cast.coordinator, coordinators=None,
                                     data={"held_on": date(2025, 6, 20), "summary": "二",
                                           "channel": "online"})
    assert kept() == recounted() == {(cast.hub.pk, date(2025, 6, 1), "visit", 1),
                                     (cast.hub.pk, date(2025, 6, 1), "online", 1)}

    # To another month and channel: both months recounted.
    services.session_update(session=second, by=cast.coordinator, coordinators=None,
                            data=_data(second, held_on=date(2025, 7, 3), channel="visit"),
                            version=second.version)
    assert kept() == recounted() == {(cast.hub.pk, date(2025, 6, 1), "visit", 1),
                                     (cast.hub.pk, date(2025, 7, 1), "visit", 1)}

    first.case = other
    first.save()
    assert kept() == recounted()

    first.delete()
    assert kept() == recounted() == {(cast.hub.pk, date(2025, 7, 1), "visit", 1)}


def test_the_case_tally_follows_every_change_to_the_cases(cast):
    client = CaseFactory(hub=cast.hub, lead=cast.coordinator).client
    case = services.case_create(client=client, by=cast.coordinator, lead=cast.coordinator,
                                topics=[], depth="policy", opened_on=date(2025, 5, 9))
    assert cases_kept() == cases_recounted()
    services.case_update(case=case, by=cast.coordinator, topics=None, version=case.version,
                         data={"depth": "expert", "opened_on": date(2025, 4, 30)})
    assert cases_kept() == cases_recounted()
    assert (cast.hub.pk, date(2025, 4, 1), "expert", 1) in cases_kept()
    case.delete()
    assert cases_kept() == cases_recounted()


def test_a_rebuild_after_a_bulk_load_matches_the_recount(cast):
    SessionFactory.create_batch(3, hub=cast.hub, case__lead=cast.coordinator)
    SessionTally.objects.all().delete()  # as rows written past the ORM's save
    CaseTally.objects.all().delete()
    tallies_rebuild(hub_ids=[cast.hub.pk])
    assert kept() == recounted() != set()
    assert cases_kept() == cases_recounted() != set()


def test_the_dashboards_monthly_sessions_equal_the_sessions_held(cast):
    for day in (date(2025, 4, 3), date(2025, 4, 28), date(2025, 6, 30), date(2026, 3, 31)):
        SessionFactory(hub=cast.hub, case__lead=cast.coordinator, case__opened_on=day,
                       held_on=day)
    SessionFactory(hub=cast.other_hub, case__lead=cast.outsider, held_on=date(2025, 5, 5))
    tally = actuals.tallies(hub_ids=[cast.hub.pk], fiscal_year=2025, today=date(2026, 6, 1))
    assert tally[None].sessions == [2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert tally[None].cases_opened == tally[None].sessions  # one case a session here
    assert tally[None].cases_expert == tally[None].sessions
    national = actuals.tallies(hub_ids=None, fiscal_year=2025, by_hub=True,
                               today=date(2026, 6, 1))
    assert national[cast.other_hub.pk].sessions[1] == 1
