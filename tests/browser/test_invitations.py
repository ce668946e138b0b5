"""The invitation end to end in a browser: the bureau approves, the new coordinator opens the
emailed link, sets a password and logs in; with the mail server down the approval stands and
the appointments page offers to send the invitation again."""

import re
import smtplib
from urllib.parse import urlparse

import pytest
from django.core import mail
from playwright.sync_api import expect

from hubs import services
from hubs.models import Appointment
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "yorozu-hajimete-2026"


def _propose(users):
    today = fiscal.today()
    return services.appointment_propose(
        hub=users.hub, by=users.chief, email="newcomer@example.jp", family_name="新井",
        given_name="一", starts_on=today,
        ends_on=fiscal.fiscal_year_end(fiscal.fiscal_year_of(today)))


def _approve(page, users):
    log_in(page, users.bureau)
    page.goto("/hubs/appointments/")
    page.get_by_role("button", name="承認", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="承認").click()
    expect(page.locator(".messages")).to_contain_text("任命を承認しました")


def test_an_approved_coordinator_sets_a_password_from_the_email_and_logs_in(page, users):
    proposal = _propose(users)
    _approve(page, users)
    link = re.search(r"https?://\S+/accounts/activate/\S+/", mail.outbox[0].body).group(0)
    page.context.clear_cookies()

    page.goto(urlparse(link).path)  # the live server's address, not SITE_URL

    assert page.url.endswith("/set-password/")  # the token has left the address bar
    expect(page.get_by_role("heading", name="パスワードの設定")).to_be_visible()
    assert_accessible(page)
    page.locator('input[name="new_password1"]').fill(NEW_PASSWORD)
    page.locator('input[name="new_password2"]').fill(NEW_PASSWORD)
    page.get_by_role("button", name="パスワードを設定").click()
    expect(page.locator(".messages")).to_contain_text("パスワードを設定しました")
    log_in(page, proposal.user, NEW_PASSWORD)


def test_with_the_mail_server_down_the_approval_stands_and_can_be_resent(page, users,
                                                                         monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("down")

    proposal = _propose(users)
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    _approve(page, users)

    expect(page.locator(".messages")).to_contain_text("招待メールを送信できませんでした")
    resend = page.get_by_role("button", name="招待メールを再送")
    expect(resend).to_be_visible()
    assert_accessible(page)

    monkeypatch.undo()
    resend.click()
    expect(page.locator(".messages")).to_contain_text("招待メールを送信しました")
    proposal.refresh_from_db()
    assert proposal.invitation == Appointment.Invitation.SENT
    assert [m.to for m in mail.outbox] == [["newcomer@example.jp"]]
