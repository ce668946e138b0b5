"""A coordinator proposed by the hub and approved by the bureau is invited by email to set a
password (a single-use, expiring link), and "forgot password" works for them too. A mail
server that is down never makes the approval fail: the page says so and offers to resend."""

import re
import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from hubs import services
from hubs.models import Appointment
from tests.conftest import PASSWORD
from tests.hubs.factories import AppointmentFactory, UserFactory
from yorozu.core import fiscal

NEW_PASSWORD = "yorozu-hajimete-2026"
LINK = re.compile(r"https?://\S+/accounts/activate/\S+/")


def _propose(cast, email="newcomer@example.jp"):
    today = fiscal.today()
    return services.appointment_propose(
        hub=cast.hub, by=cast.chief, email=email, family_name="新井", given_name="一",
        starts_on=today, ends_on=fiscal.fiscal_year_end(fiscal.fiscal_year_of(today)))


def _approve(client, cast, proposal, capture):
    client.force_login(cast.bureau)
    with capture(execute=True):
        response = client.post(reverse("hubs:appointment_approve", args=[proposal.pk]))
    client.logout()
    assert response.status_code == 302
    return response


def _link(message) -> str:
    return LINK.search(message.body).group(0)


def _set_password(client, link, password=NEW_PASSWORD):
    """Opens the link as a person would (the address moves to a tokenless form) and posts."""
    opened = client.get(link)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"new_password1": password,
                                            "new_password2": password})


def _log_in(client, email, password=NEW_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


@pytest.fixture
def invited(client, cast, django_capture_on_commit_callbacks):
    proposal = _propose(cast)
    _approve(client, cast, proposal, django_capture_on_commit_callbacks)
    return proposal


def test_approval_emails_a_japanese_link_that_sets_the_password_and_logging_in_works(
        client, cast, invited):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.jp"]
    assert "パスワード" in message.subject
    assert "新井 一 様" in message.body and cast.hub.name in message.body
    assert "一度だけ" in message.body
    assert Appointment.objects.get(pk=invited.pk).invitation == Appointment.Invitation.SENT

    done = _set_password(client, _link(message))

    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    page = client.get(done["Location"]).content.decode()
    assert "パスワードを設定しました" in page
    assert _log_in(client, "newcomer@example.jp").status_code == 302
    assert client.get(reverse("hubs:hub_detail", args=[cast.hub.jis_code])).status_code == 200


def test_the_email_is_japanese_whatever_language_the_bureau_uses(
        client, cast, django_capture_on_commit_callbacks):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _approve(client, cast, _propose(cast), django_capture_on_commit_callbacks)
    assert "パスワード" in mail.outbox[0].subject and "様" in mail.outbox[0].body


def test_the_link_works_only_once(client, cast, invited):
    link = _link(mail.outbox[0])
    _set_password(client, link)

    again = _set_password(client, link, password="someone-else-2026x")

    assert again.status_code == 200
    assert "このリンクは使用済みか、有効期限が切れています" in again.content.decode()
    assert _log_in(client, "newcomer@example.jp").status_code == 302  # the first one holds


def test_an_expired_link_is_refused(client, cast, invited):
    link = _link(mail.outbox[0])
    # Relative travel: an absolute UTC destination would also move the local time zone,
    # which the token's naive clock reads.
    with time_machine.travel(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60),
                             tick=False):
        refused = _set_password(client, link)
    assert refused.status_code == 200
    assert "有効期限が切れています" in refused.content.decode()
    assert not invited.user.__class__.objects.get(pk=invited.user_id).has_usable_password()


def test_a_password_reset_link_does_not_open_the_invitation_page(client, cast, invited):
    """The two links are signed apart: one cannot be passed off as the other."""
    link = _link(mail.outbox[0])
    forged = link.replace("/accounts/activate/", "/accounts/password/reset/")
    assert _set_password(client, forged).status_code == 200
    assert not invited.user.__class__.objects.get(pk=invited.user_id).has_usable_password()


# --- Forgot password --------------------------------------------------------------------------
def _forgot(client, email):
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302
    return [m for m in mail.outbox if m.to == [email.lower()]]


def test_forgot_password_sends_a_link_to_an_invited_person_who_never_set_one(client, cast,
                                                                             invited):
    mail.outbox.clear()
    sent = _forgot(client, "Newcomer@Example.jp")
    assert len(sent) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", sent[0].body).group(0)
    assert _set_password(client, link).status_code == 302
    assert _log_in(client, "newcomer@example.jp").status_code == 302


def test_forgot_password_sends_nothing_before_approval_or_to_a_deactivated_account(client,
                                                                                   cast):
    _propose(cast, email="waiting@example.jp")
    gone = UserFactory(email="gone@example.jp", is_active=False)
    gone.set_unusable_password()
    gone.save()
    AppointmentFactory(user=gone, role="coordinator", hub=cast.hub)
    assert _forgot(client, "waiting@example.jp") == []
    assert _forgot(client, "gone@example.jp") == []


# --- The mail server is down ------------------------------------------------------------------
@pytest.fixture
def mail_down(monkeypatch):
    def set_failure(error):
        def refuse(self, messages):
            raise error
        monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages",
                            refuse)
    return set_failure


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("error", [smtplib.SMTPException("451 try later"),
                                   ConnectionRefusedError(111, "Connection refused")])
def test_approval_succeeds_when_the_mail_server_is_down_and_offers_to_resend(
        client, cast, mail_down, monkeypatch, error):
    proposal = _propose(cast)
    mail_down(error)
    client.force_login(cast.bureau)

    response = client.post(reverse("hubs:appointment_approve", args=[proposal.pk]), follow=True)

    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == Appointment.Status.APPROVED
    assert proposal.invitation == Appointment.Invitation.FAILED
    page = response.content.decode()
    assert "招待メールを送信できませんでした" in page
    resend = reverse("hubs:appointment_invite", args=[proposal.pk])
    assert f'action="{resend}"' in page

    monkeypatch.undo()
    client.force_login(cast.chief)
    again = client.post(resend, follow=True)

    assert again.status_code == 200
    assert "招待メールを送信しました" in again.content.decode()
    assert [m.to for m in mail.outbox] == [["newcomer@example.jp"]]
    proposal.refresh_from_db()
    assert proposal.invitation == Appointment.Invitation.SENT


def test_resending_needs_an_approved_appointment_still_in_term(client, cast, invited):
    mail.outbox.clear()
    Appointment.objects.filter(pk=invited.pk).update(status=Appointment.Status.REVOKED)
    client.force_login(cast.bureau)
    response = client.post(reverse("hubs:appointment_invite", args=[invited.pk]), follow=True)
    assert response.status_code == 200
    assert mail.outbox == []


# --- An existing account ----------------------------------------------------------------------
def test_an_existing_account_is_told_of_the_appointment_without_a_password_link(
        client, cast, django_capture_on_commit_callbacks):
    """The hub must not learn that the email had an account: its proposal shows the same
    "sent" either way, and the person is told to log in as usual."""
    UserFactory(email="known@example.jp")
    proposal = _propose(cast, email="known@example.jp")

    _approve(client, cast, proposal, django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    assert message.to == ["known@example.jp"] and not LINK.search(message.body)
    assert reverse("accounts:login") in message.body
    assert Appointment.objects.get(pk=proposal.pk).invitation == Appointment.Invitation.SENT
    assert _log_in(client, "known@example.jp", PASSWORD).status_code == 302
