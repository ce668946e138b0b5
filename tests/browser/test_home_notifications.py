"""The to-do home page and the in-app notifications in the system Chromium: the bureau follows
its to-do item to the plan waiting for review and returns it; the chief coordinator sees the
count in the top bar, opens the list, marks the notification read, and the count goes. Each
role's home is checked with axe at a desktop and a phone width (screenshots are written to
$HOME_SCREENSHOTS when it is set, to look at)."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluation.models import Hearing
from evaluation.plans.models import ActivityPolicy
from hubs.models import Appointment, Hub
from hubs.roles import Role
from tests.consultations.factories import CaseFactory, ReferralFactory
from tests.evaluation.factories import ItemFactory
from tests.hubs.factories import AgencyFactory, AppointmentFactory, UserFactory
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in, sign_in
from .test_plans import submitted  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()


def _logout(page):
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_the_chief_is_notified_when_the_bureau_returns_the_plan(page, users, submitted):  # noqa: F811
    log_in(page, users.bureau)
    todo = page.get_by_role("region", name="今やること")
    todo.get_by_role("link", name="審査待ちの事業計画").click()
    page.get_by_role("button", name="審査を開始する").click()
    returning = page.locator("form").filter(has_text="差し戻す")
    returning.get_by_label("項目").select_option("targets")
    returning.get_by_label("コメント").fill("目標の根拠を書き添えてください。")
    page.get_by_role("button", name="このコメントを付けて差し戻す").click()
    page.get_by_role("dialog").locator("[data-confirm-yes]").click()
    expect(page.locator(".messages")).to_contain_text("差し戻")
    _logout(page)

    log_in(page, users.chief)
    bell = page.get_by_role("link", name="お知らせ（未読1件）")
    expect(bell).to_be_visible()
    expect(page.get_by_role("region", name="今やること")).to_contain_text(
        "局から差し戻された事業計画")
    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    item = page.locator(".notification-list li").first
    expect(item).to_contain_text("事業計画が差し戻されました")
    assert_accessible(page)
    item.get_by_role("button", name=re.compile("既読にする")).click()
    expect(page.get_by_role("link", name="お知らせ", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("未読"))).to_have_count(0)
    expect(page.locator(".notification-list .badge")).to_have_count(0)
    # The notification leads to the plan.
    page.locator(".notification-list li a").first.click()
    expect(page).to_have_url(re.compile(rf"/evaluation/plans/{users.hub.jis_code}/{YEAR}/$"))


@pytest.fixture
def busy(users):
    """Something to do for every role: a late plan deadline, overdue and due-soon
    follow-ups, a proposal waiting for the bureau, an unread notification each."""
    from yorozu.notifications.services import notify

    ActivityPolicy.objects.create(fiscal_year=YEAR, priority_themes="重点",
                                  indicators=["sessions"],
                                  plan_deadline=fiscal.today() - timedelta(days=3),
                                  published_at=timezone.now())
    agency = AgencyFactory(hub=users.hub)
    case = CaseFactory(hub=users.hub, lead=users.coordinator)
    for days in (-2, 3):
        ReferralFactory(hub=users.hub, case=case, agency=agency,
                        follow_up_due=fiscal.today() + timedelta(days=days))
    AppointmentFactory(user=UserFactory(), role=Role.COORDINATOR, hub=users.hub,
                       status=Appointment.Status.PROPOSED, proposed_by=users.chief)
    item = ItemFactory()  # this year's guideline, published: hearings and self-checks
    for jis_code, status in (("01", Hearing.Status.SCORING), ("02", Hearing.Status.FINALISED)):
        Hearing.objects.create(hub=Hub.objects.get(jis_code=jis_code), fiscal_year=YEAR,
                               guideline=item.area.guideline, held_on=fiscal.today(),
                               lead=users.hq, status=status)
    notify(recipients=users.by_role().values(), kind="test", url="/", key="busy",
           message="%(n)s of your referrals are past their follow-up date.", params={"n": 2})
    return users


@pytest.mark.parametrize("role", ["hq", "bureau", "chief", "coordinator", "impl_org"])
def test_each_roles_home_at_desktop_and_phone_width(page, busy, role):
    sign_in(page, busy.by_role()[role])
    shots = os.environ.get("HOME_SCREENSHOTS")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        expect(page.get_by_role("region", name="今やること")).to_be_visible()
        expect(page.get_by_role("link", name="お知らせ（未読1件）")).to_be_visible()
        assert_accessible(page)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/home-{role}-{width}.png", full_page=True)
    page.goto("/notifications/")
    assert_accessible(page)
    if shots:
        page.screenshot(path=f"{shots}/notifications-{role}-390.png", full_page=True)
