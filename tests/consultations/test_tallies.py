"""Sessions per hub, month and channel, sessions per hub, month, topic of their case and
channel, cases opened per hub, month and depth, referrals per hub, month of their follow-up
date and status, and new clients per hub and month (the tallies of consultations/tallies.py)
equal a recount from the records after every way they change: added, edited to another month,
channel or depth, moved to another case, deleted, a case's topics changed, a case deleted,
imported, loaded in bulk; and the plan dashboards' monthly figures read them."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db.models import Count
from django.db.models.functions import TruncMonth

from consultations import referrals, services
from consultations.models import (
    Case,
    CaseTally,
    Client,
    ClientTally,
    Referral,
    ReferralTally,
    Session,
    SessionTally,
    SessionTopicTally,
    Topic,
)
from consultations.tallies import tallies_rebuild
from evaluation.plans import actuals
from tests.consultations.factories import CaseFactory, ReferralFactory, SessionFactory
from tests.hubs.factories import AgencyFactory
from yorozu.core import fiscal

pytestmark = pytest.mark.django_db


def recounted() -> set[tuple]:
    return set(Session.objects.order_by().annotate(month=TruncMonth("held_on"))
               .values_list("hub_id", "month", "channel").annotate(n=Count("*")))


def kept() -> set[tuple]:
    return set(SessionTally.objects.values_list("hub_id", "month", "channel", "sessions"))


def topics_recounted() -> set[tuple]:
    """Counted in Python, one session at a time: each once per topic of its case, None for a
    case without topics."""
    counts = Counter()
    for session in Session.objects.prefetch_related("case__topics"):
        month = session.held_on.replace(day=1)
        for topic_id in [t.pk for t in session.case.topics.all()] or [None]:
            counts[(session.hub_id, month, topic_id, session.channel)] += 1
    return {(*key, n) for key, n in counts.items()}


def topics_kept() -> set[tuple]:
    return set(SessionTopicTally.objects.values_list("hub_id", "month", "topic_id", "channel",
                                                     "sessions"))


def clients_recounted() -> set[tuple]:
    """Each client in the month of its earliest session, counted in Python."""
    first = {}
    for client_id, hub_id, day in Session.objects.values_list("case__client", "case__client__hub",
                                                            "held_on"):
        if client_id not in first or day < first[client_id][1]:
            first[client_id] = (hub_id, day)
    counts = Counter((hub_id, day.replace(day=1)) for hub_id, day in first.values())
    return {(*key, n) for key, n in counts.items()}


def clients_kept() -> set[tuple]:
    return set(ClientTally.objects.values_list("hub_id", "month", "clients"))


def assert_sessions_kept() -> None:
    assert kept() == recounted()
    assert topics_kept() == topics_recounted()
    assert clients_kept() == clients_recounted()


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
    sales = Topic.objects.get(code="sales").pk  # the factory's topic
    assert topics_kept() == topics_recounted() == {
        (cast.hub.pk, date(2025, 6, 1), sales, "visit", 1),
        (cast.hub.pk, date(2025, 6, 1), sales, "online", 1)}

    # To another month and channel: both months recounted.
    services.session_update(session=second, by=cast.coordinator, coordinators=None,
                            data=_data(second, held_on=date(2025, 7, 3), channel="visit"),
                            version=second.version)
    assert kept() == recounted() == {(cast.hub.pk, date(2025, 6, 1), "visit", 1),
                                     (cast.hub.pk, date(2025, 7, 1), "visit", 1)}

    assert topics_kept() == topics_recounted()
    assert clients_kept() == clients_recounted() == {(cast.hub.pk, date(2025, 6, 1), 1)}

    other.topics.set(Topic.objects.order_by("pk")[:2], through_defaults={"hub": cast.hub})
    first.case = other
    first.save()
    assert_sessions_kept()
    assert {row[2] for row in topics_kept()} == {sales, *other.topics.values_list("pk", flat=True)}

    first.delete()  # the first session of the case's client is now in July
    assert kept() == recounted() == {(cast.hub.pk, date(2025, 7, 1), "visit", 1)}
    assert clients_kept() == clients_recounted() == {(cast.hub.pk, date(2025, 7, 1), 1)}
    assert topics_kept() == topics_recounted() == {(cast.hub.pk, date(2025, 7, 1), sales,
                                                    "visit", 1)}


def test_the_topic_tally_follows_every_change_to_a_cases_topics(cast):
    first, second, third = Topic.objects.order_by("pk")[:3]
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    for day, channel in ((date(2025, 6, 2), "visit"), (date(2025, 6, 9), "phone"),
                         (date(2025, 8, 1), "visit")):
        services.session_create(case=case, by=cast.coordinator, coordinators=None,
                                data={"held_on": day, "summary": "相談", "channel": channel})
    services.case_update(case=case, by=cast.coordinator, data={}, topics=[first, second],
                         version=case.version)
    assert_sessions_kept()
    assert (cast.hub.pk, date(2025, 6, 1), second.pk, "phone", 1) in topics_kept()

    case.refresh_from_db()
    services.case_update(case=case, by=cast.coordinator, data={}, topics=[third],
                         version=case.version)  # two removed, one added
    assert_sessions_kept()
    assert {row[2] for row in topics_kept()} == {third.pk}

    case.topics.clear()
    assert topics_kept() == topics_recounted()
    assert {row[2] for row in topics_kept()} == {None}

    case.topics.add(second, through_defaults={"hub": cast.hub})
    assert_sessions_kept()
    case.sessions.filter(held_on__month=6).delete()  # two of one case in one statement
    assert_sessions_kept()
    assert topics_kept() == {(cast.hub.pk, date(2025, 8, 1), second.pk, "visit", 1)}
    case.sessions.all().delete()  # a case with sessions cannot be deleted
    case.delete()  # its links with it
    assert_sessions_kept()
    assert topics_kept() == set()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_topic_tally_is_recounted(cast):
    """A save in autocommit (a script) cannot lock the case: its months are recounted."""
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    session = SessionFactory(case=case, hub=cast.hub, held_on=date(2025, 6, 2))
    assert_sessions_kept()
    session.held_on, session.channel = date(2025, 7, 1), "phone"
    session.save()
    assert_sessions_kept()
    case.topics.set(Topic.objects.order_by("pk")[1:3], through_defaults={"hub": cast.hub})
    assert_sessions_kept()
    case.topics.clear()
    assert_sessions_kept()
    assert {row[2] for row in topics_kept()} == {None}
    session.delete()
    assert topics_kept() == set()


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
    Case.objects.first().topics.set(Topic.objects.order_by("pk")[:2],
                                    through_defaults={"hub": cast.hub})
    SessionTally.objects.all().delete()  # as rows written past the ORM's save
    SessionTopicTally.objects.all().delete()
    CaseTally.objects.all().delete()
    ClientTally.objects.all().delete()
    Client.objects.create(hub=cast.hub, name="相談前の相談者")  # no session: no month yet
    tallies_rebuild(hub_ids=[cast.hub.pk])
    assert clients_kept() == clients_recounted() != set()
    assert kept() == recounted() != set()
    assert topics_kept() == topics_recounted() != set()
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


def referrals_recounted() -> set[tuple]:
    return set(Referral.objects.order_by().annotate(month=TruncMonth("follow_up_due"))
               .values_list("hub_id", "month", "status").annotate(n=Count("*")))


def referrals_kept() -> set[tuple]:
    return set(ReferralTally.objects.values_list("hub_id", "month", "status", "referrals"))


def test_the_referral_tally_follows_every_change_to_the_referrals(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    agency = AgencyFactory(hub=cast.hub)
    data = {"agency": agency, "kind": Referral.Kind.REFERRAL, "reason": "資金調達",
            "follow_up_due": date(2025, 6, 10)}
    first = referrals.referral_create(case=case, by=cast.coordinator, data=data)
    second = referrals.referral_create(case=case, by=cast.coordinator, data=data)
    assert referrals_kept() == referrals_recounted() == {
        (cast.hub.pk, date(2025, 6, 1), "sent", 2)}
    referrals.agency_report(referral=first, note="融資が決まりました")  # followed up
    first.refresh_from_db()
    referrals.referral_close(referral=first, by=cast.coordinator, note="完了", lapsed=False,
                             version=first.version)
    assert referrals_kept() == referrals_recounted()
    assert (cast.hub.pk, date(2025, 6, 1), "closed", 1) in referrals_kept()
    second = Referral.objects.get(pk=second.pk)  # as read by another request
    second.follow_up_due = date(2025, 7, 1)  # to another month
    second.save()
    assert referrals_kept() == referrals_recounted()
    first.delete()
    second.delete()
    assert referrals_kept() == referrals_recounted() == set()


def test_the_dashboards_follow_up_counts_the_referrals_due_up_to_today(cast):
    today = fiscal.today()  # the tallies' months run to the real today
    year = fiscal.current_fiscal_year()
    april, this_month = date(year, 4, 1), today.replace(day=1)
    agency, elsewhere = AgencyFactory(hub=cast.hub), AgencyFactory(hub=cast.other_hub)
    for due, status in ((april, "closed"), (april.replace(day=30), "sent"),
                        (this_month, "closed"), (today, "acting"),
                        (today + timedelta(days=1), "closed"),
                        (fiscal.fiscal_year_end(year) + timedelta(days=1), "closed")):
        ReferralFactory(hub=cast.hub, case__lead=cast.coordinator, agency=agency,
                        follow_up_due=due, status=status)
    ReferralFactory(hub=cast.other_hub, case__lead=cast.outsider, agency=elsewhere,
                    follow_up_due=this_month, status="reported")
    tally = actuals.tallies(hub_ids=[cast.hub.pk], fiscal_year=year, today=today)[None]
    now = actuals.month_index(today)
    due, followed = [0] * 12, [0] * 12
    due[0], followed[0] = 2, 1  # April
    due[now] += 2  # this month up to today: its first day and today, not tomorrow
    followed[now] += 1
    assert tally.referrals_due == due
    assert tally.referrals_followed == followed
    national = actuals.tallies(hub_ids=None, fiscal_year=year, by_hub=True, today=today)
    assert national[cast.other_hub.pk].referrals_due[now] == 1
    assert national[cast.other_hub.pk].referrals_followed[now] == 1
    assert national[cast.hub.pk].referrals_due == due
    # Last year has ended: every month whole, from the tally alone.
    ReferralFactory(hub=cast.hub, case__lead=cast.coordinator, agency=agency,
                    follow_up_due=date(year, 3, 31), status="closed")
    last_year = actuals.tallies(hub_ids=[cast.hub.pk], fiscal_year=year - 1, today=today)
    assert last_year[None].referrals_due == [0] * 11 + [1]
