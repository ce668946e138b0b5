"""The calendar feed: a secret address per user, holding only the dates that user may see,
in valid iCalendar with stable UIDs and Japanese summaries; revocable, and rate-limited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from consultations.models import Referral
from evaluation.models import Hearing
from evaluation.plans.models import ActivityPolicy
from tests.api.helpers import published_hearing
from tests.consultations.factories import CaseFactory, ReferralFactory
from tests.evaluation.factories import plan_with_content
from tests.hubs.factories import AgencyFactory
from yorozu.api import tokens
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


def feed(client, user):
    token = tokens.token_issue(user=user, purpose="calendar")
    response = client.get(reverse("api:calendar_feed", args=[token]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def summaries(calendar) -> set[str]:
    return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


@pytest.fixture
def dates(cast):
    """A hearing and an overdue-soon referral at each hub, a referral of the chief's own
    case, and this year's published activity policy."""
    for hub in (cast.hub, cast.other_hub):
        published_hearing(hub, cast.hq, status=Hearing.Status.SCHEDULED)
    mine = ReferralFactory(hub=cast.hub, case=CaseFactory(hub=cast.hub, lead=cast.coordinator,
                                                          client__name="山田製作所"),
                           agency=AgencyFactory(hub=cast.hub, name="東京信用保証協会"))
    chiefs = ReferralFactory(hub=cast.hub, case=CaseFactory(hub=cast.hub, lead=cast.chief),
                             agency=AgencyFactory(hub=cast.hub, name="東京商工会議所"))
    ReferralFactory(hub=cast.other_hub,
                    case=CaseFactory(hub=cast.other_hub, lead=cast.outsider),
                    agency=AgencyFactory(hub=cast.other_hub, name="宮城県産業振興機構"))
    ReferralFactory(hub=cast.hub, case=mine.case, agency=mine.agency,
                    status=Referral.Status.CLOSED)  # closed: no longer a date to keep
    ActivityPolicy.objects.create(fiscal_year=YEAR, priority_themes="重点", indicators=[],
                                  plan_deadline=fiscal.today() + timedelta(days=30),
                                  published_at=timezone.now())
    plan_with_content(hub=cast.hub, fiscal_year=YEAR)
    return mine, chiefs


TOKYO, MIYAGI = "東京都よろず支援拠点", "宮城県よろず支援拠点"


def test_a_coordinator_sees_their_hubs_hearing_and_their_own_follow_ups(client, cast, dates):
    assert summaries(feed(client, cast.coordinator)) == {
        f"全国本部ヒアリング：{TOKYO}", "紹介先のフォローアップ期限：東京信用保証協会"}


def test_a_chief_sees_the_whole_hubs_follow_ups_and_the_plan_deadline(client, cast, dates):
    assert summaries(feed(client, cast.chief)) == {
        f"全国本部ヒアリング：{TOKYO}", "紹介先のフォローアップ期限：東京信用保証協会",
        "紹介先のフォローアップ期限：東京商工会議所", f"事業計画の提出期限（{TOKYO}）"}


def test_the_implementing_organization_and_bureau_see_no_follow_ups(client, cast, dates):
    assert summaries(feed(client, cast.impl_org)) == {
        f"全国本部ヒアリング：{TOKYO}", f"事業計画の提出期限（{TOKYO}）"}
    assert summaries(feed(client, cast.bureau)) == {
        f"全国本部ヒアリング：{TOKYO}", "事業計画の提出期限（関東経済産業局管内の拠点）"}


def test_hq_sees_every_hearing_and_one_national_deadline(client, cast, dates):
    assert summaries(feed(client, cast.hq)) == {
        f"全国本部ヒアリング：{TOKYO}", f"全国本部ヒアリング：{MIYAGI}",
        "事業計画の提出期限（全拠点）"}


def test_a_user_without_appointment_gets_an_empty_calendar(client, cast, dates):
    assert summaries(feed(client, cast.admin)) == set()


def test_the_feed_names_no_client_and_no_note(client, cast, dates):
    token = tokens.token_issue(user=cast.chief, purpose="calendar")
    body = client.get(reverse("api:calendar_feed", args=[token])).content.decode()
    for private in ("山田製作所", "山田太郎", "資金調達", cast.coordinator.email):
        assert private not in body


def test_events_are_all_day_with_stable_uids_and_links(client, cast, dates, settings):
    mine, _chiefs = dates
    first, second = feed(client, cast.coordinator), feed(client, cast.coordinator)
    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in second.walk("VEVENT")]
    assert f"referral-{mine.pk}@127.0.0.1" in uids
    event = next(e for e in first.walk("VEVENT") if str(e["UID"]).startswith("referral"))
    assert event.decoded("DTSTART") == mine.follow_up_due
    assert event.decoded("DTEND") == mine.follow_up_due + timedelta(days=1)
    assert str(event["URL"]) == settings.SITE_URL + reverse("consultations:case_detail",
                                                            args=[mine.case_id])
    assert str(first["X-WR-TIMEZONE"]) == "Asia/Tokyo"


def test_a_wrong_or_revoked_feed_address_is_a_404_like_a_missing_page(client, cast):
    token = tokens.token_issue(user=cast.chief, purpose="calendar")
    url = reverse("api:calendar_feed", args=[token])
    assert client.get(url).status_code == 200
    tokens.token_revoke(user=cast.chief, purpose="calendar")
    revoked = client.get(url)
    wrong = client.get(reverse("api:calendar_feed", args=["x" * 43]))
    assert revoked.status_code == wrong.status_code == 404
    api_token = tokens.token_issue(user=cast.chief, purpose="api")  # not a calendar token
    assert client.get(reverse("api:calendar_feed", args=[api_token])).status_code == 404


def test_a_made_again_address_replaces_the_old_one(client, cast):
    old = tokens.token_issue(user=cast.chief, purpose="calendar")
    new = tokens.token_issue(user=cast.chief, purpose="calendar")
    assert client.get(reverse("api:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("api:calendar_feed", args=[new])).status_code == 200


def test_the_feed_is_rate_limited_per_address_and_per_token(client, cast, settings):
    settings.CALENDAR_FEED_RATE = "3/h"
    token = tokens.token_issue(user=cast.chief, purpose="calendar")
    url = reverse("api:calendar_feed", args=[token])
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    settings.CALENDAR_FEED_IP_RATE = "2/h"
    guesses = [client.get(reverse("api:calendar_feed", args=[f"guess{i}"]),
                          REMOTE_ADDR="192.0.2.44").status_code for i in range(3)]
    assert guesses == [404, 404, 429]


def test_the_feed_is_not_cached_and_takes_no_posts(client, cast):
    token = tokens.token_issue(user=cast.chief, purpose="calendar")
    url = reverse("api:calendar_feed", args=[token])
    assert "no-store" in client.get(url)["Cache-Control"]
    assert client.post(url).status_code == 405
