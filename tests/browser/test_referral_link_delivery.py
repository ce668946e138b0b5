"""The case timeline says whether each referral's link email has gone, is waiting, or failed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import ReferralLink
from tests.consultations.factories import CaseFactory, ReferralFactory
from tests.hubs.factories import AgencyFactory
from yorozu.jobs.models import Job

from .conftest import assert_accessible, log_in
from .screens import shoot

pytestmark = pytest.mark.browser


def _referral_with_link_job(case, name, **job):
    agency = AgencyFactory(hub=case.hub, name=name, email="a@agency.example.jp")
    referral = ReferralFactory(hub=case.hub, case=case, agency=agency)
    link = ReferralLink.objects.create(referral=referral, purpose="acknowledge",
                                       token_hash=f"h{referral.pk}",
                                       expires_at=timezone.now() + timedelta(days=14))
    Job.objects.create(kind="referral_link", hub=case.hub, scope=Job.Scope.HUB, total=1,
                       dedupe_key=f"referral_link:{link.pk}", **job)


def test_the_timeline_shows_each_links_delivery(page, users):
    case = CaseFactory(hub=users.hub, lead=users.coordinator)
    _referral_with_link_job(case, "送信済み商工会", status=Job.Status.DONE, done=1,
                            finished_at=timezone.now())
    _referral_with_link_job(case, "再送待ち信用金庫", status=Job.Status.PENDING,
                            error="421 service not available")
    _referral_with_link_job(case, "失敗市役所", status=Job.Status.FAILED, attempts=3)
    log_in(page, users.coordinator)
    page.goto(f"/consultations/cases/{case.pk}/")
    expect(page.get_by_text("リンク送信済み")).to_be_visible()
    expect(page.get_by_text("自動で再送します")).to_be_visible()
    expect(page.get_by_text("電話で連絡してください")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    shoot(page, "case-link-deliveries")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "case-link-deliveries")
