"""The referral loop: the coordinator refers, the agency acknowledges and reports back through
single-use links without an account, and the coordinator closes the loop."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultations import referrals
from consultations.models import Referral, ReferralLink
from tests.consultations.factories import CaseFactory, ReferralFactory
from tests.hubs.factories import AgencyFactory
from tests.pages import page_text
from yorozu.core import fiscal
from yorozu.core.links import token_hash

LINK = re.compile(r"https?://[^/\s]+(/r/[A-Za-z0-9_\-]+/)")


@pytest.fixture
def case(cast):
    return CaseFactory(hub=cast.hub, lead=cast.coordinator)


@pytest.fixture
def agency(cast):
    return AgencyFactory(hub=cast.hub, email="soudan@cci.example.jp")


def _refer(client, cast, case, agency, django_capture_on_commit_callbacks):
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:referral_create", args=[case.pk]), {
            "agency": agency.pk, "kind": "referral", "reason": "設備資金の融資相談のため。",
            "handed_over": "決算書3期分を確認済み。",
            "follow_up_due": (fiscal.today() + timedelta(days=14)).isoformat()})
    assert response.status_code == 302
    return Referral.objects.get()


def _link_in(message) -> str:
    return LINK.search(message.body).group(1)


def test_referral_loop_through_one_time_links(client, cast, case, agency,
                                              django_capture_on_commit_callbacks):
    referral = _refer(client, cast, case, agency, django_capture_on_commit_callbacks)
    assert referral.status == Referral.Status.SENT
    assert mail.outbox[0].to == [agency.email]
    ack_path = _link_in(mail.outbox[0])
    token = ack_path.split("/")[2]
    assert len(token) >= 43  # 256 bits, base64
    assert not ReferralLink.objects.filter(token_hash__contains=token).exists()  # hashed only

    agency_browser = client.__class__()
    # A mail scanner (or the agency) fetching the link uses nothing up: it shows a button.
    assert agency_browser.get(ack_path).status_code == 200
    assert client.__class__().get(ack_path).status_code == 200
    opened = agency_browser.post(ack_path)
    assert opened.status_code == 302 and opened.url == reverse("referral_visit")  # token gone
    page = agency_browser.get(opened.url)
    assert page.status_code == 200
    assert "決算書3期分を確認済み。" in page.content.decode()
    assert page.headers["Referrer-Policy"] == "same-origin"  # the address stays on this site
    assert "no-store" in page.headers["Cache-Control"]

    with django_capture_on_commit_callbacks(execute=True):
        agency_browser.post(reverse("referral_visit"), {"action": "acting"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACTING and referral.acknowledged_at
    report_path = _link_in(mail.outbox[1])  # a new link for reporting back later

    later = client.__class__()
    assert later.post(report_path).status_code == 302
    done = later.post(reverse("referral_visit"), {"action": "report",
                                                  "note": "保証付き融資を実行しました。"})
    assert done.status_code == 200
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REPORTED
    assert referral.agency_note == "保証付き融資を実行しました。"
    assert later.get(reverse("referral_visit")).status_code == 404  # the visit ended

    close = client.post(reverse("consultations:referral_close", args=[referral.pk]),
                        {"version": referral.version, "outcome": "closed",
                         "note": "相談者に結果を確認。"})
    assert close.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED and referral.closed_at
    statuses = [h.status for h in referral.history.order_by("history_date")]
    assert statuses == ["sent", "acting", "reported", "closed"]




def test_reused_expired_and_wrong_tokens_answer_the_same_404(client, cast, case, agency):
    referral = ReferralFactory(hub=cast.hub, case=case, agency=agency)
    used = referrals.link_issue(referral=referral, purpose="acknowledge")
    expired = referrals.link_issue(referral=referral, purpose="acknowledge")
    ReferralLink.objects.filter(token_hash=token_hash(expired)).update(
        expires_at=timezone.now())
    assert client.post(reverse("referral_open", args=[used])).status_code == 302

    stranger = client.__class__()
    answers = {
        "reused": stranger.get(reverse("referral_open", args=[used])),
        "reused by POST": stranger.post(reverse("referral_open", args=[used])),
        "expired": stranger.get(reverse("referral_open", args=[expired])),
        "expired by POST": stranger.post(reverse("referral_open", args=[expired])),
        "wrong": stranger.get(reverse("referral_open", args=["x" * 43])),
        "tampered": stranger.post(reverse("referral_open", args=[used[:-1] + "A"])),
        "no visit": stranger.get(reverse("referral_visit")),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 404)
    bodies = {page_text(r) for r in answers.values()}
    assert len(bodies) == 1  # nothing tells one failure from another
    assert referral.case.client.name not in bodies.pop()


def test_a_visit_expires(client, cast, case, agency, settings):
    referral = ReferralFactory(hub=cast.hub, case=case, agency=agency)
    token = referrals.link_issue(referral=referral, purpose="acknowledge")
    client.post(reverse("referral_open", args=[token]))
    with time_machine.travel(timezone.now() + timedelta(
            seconds=settings.REFERRAL_VISIT_SECONDS + 1)):
        assert client.get(reverse("referral_visit")).status_code == 404


def test_link_opening_is_rate_limited_per_address(client, db):
    codes = [client.get(reverse("referral_open", args=[f"guess{i:040d}"])).status_code
             for i in range(21)]
    assert codes[:20] == [404] * 20
    assert codes[20] == 429


def test_a_referral_can_only_go_to_an_agency_of_the_same_hub(client, cast, case):
    foreign = AgencyFactory(hub=cast.other_hub)
    client.force_login(cast.coordinator)
    response = client.post(reverse("consultations:referral_create", args=[case.pk]), {
        "agency": foreign.pk, "kind": "referral", "reason": "理由",
        "follow_up_due": (fiscal.today() + timedelta(days=7)).isoformat()})
    assert response.status_code == 200
    assert "agency" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_overdue_follow_ups_show_on_coordinator_and_chief_home(client, cast, case, agency):
    overdue = ReferralFactory(hub=cast.hub, case=case, agency=agency,
                              follow_up_due=fiscal.today() - timedelta(days=1))
    ReferralFactory(hub=cast.hub, case=case, agency=agency,
                    follow_up_due=fiscal.today() + timedelta(days=1))
    ReferralFactory(hub=cast.hub, case=case, agency=agency, status="closed",
                    follow_up_due=fiscal.today() - timedelta(days=5))
    for user in (cast.coordinator, cast.chief):
        client.force_login(user)
        assert client.get(reverse("home")).context["overdue"] == [overdue]
    client.force_login(cast.outsider)
    assert client.get(reverse("home")).context["overdue"] == []


def test_resend_issues_a_new_link_for_the_current_step(client, cast, case, agency,
                                                       django_capture_on_commit_callbacks):
    referral = ReferralFactory(hub=cast.hub, case=case, agency=agency)
    old = referrals.link_issue(referral=referral, purpose="acknowledge")
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consultations:referral_resend", args=[referral.pk]))
    assert len(mail.outbox) == 1
    newest = ReferralLink.objects.latest("pk")
    assert newest.purpose == "acknowledge"
    assert not referrals.LINKS.usable(old)  # only the newest link works


def test_the_open_referrals_index_covers_exactly_the_open_statuses():
    """The follow-ups page counts and pages open referrals from a partial index; its condition
    names the statuses as text (Meta cannot name Referral.OPEN_STATUSES): kept the same."""
    (index,) = [i for i in Referral._meta.indexes if i.name == "consult_referral_open_idx"]
    (lookup, statuses), = index.condition.children
    assert lookup == "status__in" and list(statuses) == list(Referral.OPEN_STATUSES)
