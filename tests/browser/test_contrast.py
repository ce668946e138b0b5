"""Colour contrast on rows that are tinted to draw attention (overdue follow-ups, plans waiting
for the bureau). Links on those rows once fell below WCAG's 4.5:1, which the page sweep did not
see because its pages had no such rows: these tests build them first."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.consultations.factories import CaseFactory, ReferralFactory, SessionFactory
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in
from .test_plans import submitted  # noqa: F401  (fixture: a plan waiting for the bureau)

pytestmark = pytest.mark.browser


@pytest.fixture
def overdue(users, agencies):
    long_ago = fiscal.today() - timedelta(days=20)
    case = CaseFactory(hub=users.hub, lead=users.coordinator, opened_on=long_ago)
    SessionFactory(hub=users.hub, case=case, held_on=long_ago,
                   next_step_due=long_ago + timedelta(days=5), next_step="試作品の確認")
    ReferralFactory(hub=users.hub, case=case, agency=agencies[0],
                    follow_up_due=long_ago + timedelta(days=7))
    return case


def test_overdue_follow_up_rows_keep_link_contrast(page, users, overdue):
    log_in(page, users.coordinator)
    page.goto(f"/consultations/{users.hub.jis_code}/followups/")
    overdue_rows = page.locator("tr.table-danger")
    expect(overdue_rows.first).to_be_visible()
    expect(overdue_rows.first.locator("a").first).to_be_visible()
    assert_accessible(page)


def test_home_with_overdue_referrals_keeps_contrast(page, users, overdue):
    log_in(page, users.chief)
    expect(page.locator(".overdue-list li").first).to_be_visible()
    assert_accessible(page)


def test_bureau_home_rows_awaiting_review_keep_link_contrast(page, users, submitted):  # noqa: F811
    log_in(page, users.bureau)
    row = page.locator("tr.table-warning").first
    expect(row).to_be_visible()
    expect(row.locator("a").first).to_be_visible()
    assert_accessible(page)
