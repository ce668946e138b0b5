"""In-app notifications: one per recipient and event, only one's own, read one or all, the
count in the top bar; and the events that email people notify the same people in the app,
once, in the transaction that records the email as sent."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from consultations import reminders
from evaluation.plans import services as plan_services
from evaluation.plans.models import AnnualPlan
from hubs.models import Appointment
from tests.consultations.factories import CaseFactory, ReferralFactory
from tests.hubs.factories import AgencyFactory
from tests.plans.test_plans import submitted_plan
from yorozu.core import fiscal
from yorozu.jobs import services as job_services
from yorozu.jobs.models import Job
from yorozu.notifications.models import Notification
from yorozu.notifications.services import notify

pytestmark = pytest.mark.django_db

MESSAGE = "%(n)s of your referrals are past their follow-up date."


def _notify(user, key, n=1, url="/"):
    notify(recipients=[user], kind="test", message=MESSAGE, params={"n": n}, url=url, key=key)
    return Notification.objects.get(recipient=user, key=key)


def _bell(page: str) -> str:
    """The top bar's link, and the name it is read out by (its visually hidden text)."""
    link = re.search(r'<a class="nav-link notification-bell.*?</a>', page, re.S).group(0)
    return re.search(r'<span class="visually-hidden">([^<]*)</span>', link).group(1)


# --- The model and the service ------------------------------------------------------------------
def test_one_notification_per_recipient_and_event_however_often_it_is_made(cast):
    for _ in range(2):
        notify(recipients=[cast.chief, cast.impl_org.pk, cast.chief], kind="test",
               message=MESSAGE, params={"n": 2}, key="event-1")
    assert Notification.objects.filter(key="event-1").count() == 2
    notify(recipients=[], kind="test", message=MESSAGE, key="nobody")
    assert not Notification.objects.filter(key="nobody").exists()


def test_the_text_is_translated_when_shown_in_the_readers_language(cast, client):
    _notify(cast.chief, "e", n=3)
    client.force_login(cast.chief)
    page = client.get(reverse("notifications:notification_list")).content.decode()
    assert "担当案件の紹介のうち3件が、フォローアップ期限を過ぎています。" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("notifications:notification_list")).content.decode()
    assert "3 of your referrals are past their follow-up date." in page


def test_only_a_path_on_this_site_becomes_a_link(cast):
    assert _notify(cast.chief, "a", url="/evaluation/").link == "/evaluation/"
    for url in ("https://example.com/", "//example.com/", "javascript:alert(1)"):
        assert _notify(cast.chief, url, url=url).link == ""


# --- The list page ------------------------------------------------------------------------------
def test_the_list_shows_only_ones_own_newest_first_a_page_at_a_time(cast, client):
    for i in range(21):
        _notify(cast.chief, f"mine-{i}", n=i + 1)
    _notify(cast.coordinator, "theirs", n=999)
    client.force_login(cast.chief)
    first = client.get(reverse("notifications:notification_list"))
    texts = [n.params["n"] for n in first.context["page"].object_list]
    assert texts == list(range(21, 1, -1))  # newest first, 20 a page
    assert "999件" not in first.content.decode()
    second = client.get(reverse("notifications:notification_list"), {"page": 2})
    assert [n.params["n"] for n in second.context["page"].object_list] == [1]
    assert client.get(reverse("notifications:notification_list"),
                      {"page": "x"}).status_code == 200


def test_marking_one_as_read_is_a_post_of_ones_own(cast, client):
    mine, theirs = _notify(cast.chief, "mine"), _notify(cast.coordinator, "theirs")
    client.force_login(cast.chief)
    url = reverse("notifications:notification_read", args=[mine.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"page": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:notification_list") + "?page=2"
    mine.refresh_from_db()
    assert mine.read_at is not None
    other = client.post(reverse("notifications:notification_read", args=[theirs.pk]))
    assert other.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_as_read_leaves_other_peoples_unread(cast, client):
    for i in range(3):
        _notify(cast.chief, f"mine-{i}")
    theirs = _notify(cast.coordinator, "theirs")
    client.force_login(cast.chief)
    response = client.post(reverse("notifications:notification_read_all"), follow=True)
    assert "すべてのお知らせを既読にしました。" in response.content.decode()
    assert not Notification.objects.filter(recipient=cast.chief, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_read_actions_need_the_csrf_token(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.chief)
    notification = _notify(cast.chief, "e")
    assert client.post(reverse("notifications:notification_read",
                               args=[notification.pk])).status_code == 403
    assert client.post(reverse("notifications:notification_read_all")).status_code == 403


# --- The top bar --------------------------------------------------------------------------------
def test_the_top_bar_shows_the_unread_count_with_an_accessible_name(cast, client):
    client.force_login(cast.chief)
    bell = _bell(client.get(reverse("home")).content.decode())
    assert bell == "お知らせ"
    for i in range(3):
        _notify(cast.chief, f"e-{i}")
    _notify(cast.coordinator, "theirs")
    page = client.get(reverse("home")).content.decode()
    assert _bell(page) == "お知らせ（未読3件）"
    assert '<span class="badge rounded-pill text-bg-warning" aria-hidden="true">3</span>' in page


def test_the_count_stops_at_99_plus(cast, client):
    notify(recipients=[cast.chief], kind="test", message=MESSAGE, key="first")
    for i in range(100):
        notify(recipients=[cast.chief], kind="test", message=MESSAGE, key=f"e-{i}")
    client.force_login(cast.chief)
    page = client.get(reverse("home")).content.decode()
    assert _bell(page) == "お知らせ（未読99件以上）"
    assert ">99+</span>" in page


# --- Events that email people notify them in the app too -----------------------------------------
def test_a_returned_plan_notifies_the_chief_and_the_implementing_organization_once(
        cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan = submitted_plan(cast)
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (cast.bureau.pk, "plan_submitted")]
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_return(plan=AnnualPlan.objects.get(pk=plan.pk), by=cast.bureau,
                                  section="initiatives", comment_text="数値の根拠を")
    returned = Notification.objects.filter(kind="plan_returned")
    assert sorted(returned.values_list("recipient", flat=True)) == sorted(
        [cast.chief.pk, cast.impl_org.pk])
    assert returned.first().link == reverse("plans:plan_detail",
                                            args=[cast.hub.jis_code, plan.fiscal_year])
    assert returned.first().text.startswith("東京都の")
    assert returned.first().text.endswith("事業計画が差し戻されました")
    # A second run of the job (a redelivery) neither emails nor notifies again.
    job = Job.objects.filter(kind="plan_notify").order_by("-pk").first()
    emails = len(mail.outbox)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.PENDING)
    job_services.job_execute(job.pk)
    assert len(mail.outbox) == emails
    assert Notification.objects.filter(kind="plan_returned").count() == 2


def test_an_unsent_email_has_no_notification_yet(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        submitted_plan(cast)  # the job is recorded, not run
    assert not Notification.objects.exists()


def test_an_approved_appointment_notifies_the_person_once(
        cast, client, django_capture_on_commit_callbacks):
    from tests.hubs.test_invitations import _approve, _propose

    proposal = _propose(cast)
    _approve(client, cast, proposal, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(kind="appointment_approved")
    assert notification.recipient_id == proposal.user_id
    assert notification.text == "東京都よろず支援拠点のコーディネーターへの任命が承認されました。"
    # "Send again" emails again but the person is told in the app once.
    client.force_login(cast.bureau)
    client.post(reverse("hubs:appointment_invite", args=[proposal.pk]))
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind="appointment_approved").count() == 1
    assert Appointment.objects.get(pk=proposal.pk).invitation == Appointment.Invitation.SENT


def test_the_overdue_referral_digest_notifies_the_lead_with_a_link_to_the_follow_ups(
        cast, monkeypatch, django_capture_on_commit_callbacks):
    day = date(2026, 10, 1)
    monkeypatch.setattr(fiscal, "today", lambda: day)
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, opened_on=date(2026, 9, 1))
    for _ in range(2):
        ReferralFactory(hub=cast.hub, case=case, agency=AgencyFactory(hub=cast.hub),
                        follow_up_due=day - timedelta(days=1))
    for _ in range(2):  # the schedule firing twice: one job, one digest, one notification
        with django_capture_on_commit_callbacks(execute=True):
            reminders.referral_reminders_start(day=day)
    notification = Notification.objects.get(recipient=cast.coordinator)
    assert notification.kind == "referral_reminders" and notification.params == {"n": 2}
    assert notification.link == reverse("consultations:followups", args=[cast.hub.jis_code])
    assert len([m for m in mail.outbox if m.to == [cast.coordinator.email]]) == 1
