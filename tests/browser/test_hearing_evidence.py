"""The hearing's evidence pack in the system Chromium: the accepted plan's targets against the
hub's actuals, readable and accessible on a desktop and on a phone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from consultations.models import Referral
from evaluation import services
from evaluation.plans import content as plan_content
from evaluation.plans import services as plan_services
from tests.consultations.factories import CaseFactory, ReferralFactory, SessionFactory
from tests.hubs.factories import AgencyFactory
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in
from .screens import shoot

pytestmark = pytest.mark.browser

YEAR = fiscal.current_fiscal_year()
TARGETS = {"sessions": {"year": 120, "months": [10] * 12},
           "new_clients": {"year": 24, "months": [2] * 12},
           "follow_up": {"year": 80}, "expert_share": {"year": 40},
           "satisfaction": {"year": 90}}


@pytest.fixture
def hearing(users):
    """A hub with sessions and referrals this year, an accepted plan and a hearing."""
    start, today = fiscal.fiscal_year_start(YEAR), fiscal.today()
    agency = AgencyFactory(hub=users.hub)
    for offset in range(0, (today - start).days, 20):
        day = start + timedelta(days=offset)
        case = CaseFactory(hub=users.hub, lead=users.coordinator, opened_on=day)
        SessionFactory(hub=users.hub, case=case, held_on=day)
        ReferralFactory(hub=users.hub, case=case, agency=agency, follow_up_due=day,
                        status=Referral.Status.REPORTED if offset % 40 else
                        Referral.Status.SENT)
    plan = plan_services.plan_get_or_create(hub=users.hub, fiscal_year=YEAR, by=users.chief)
    content = plan_content.normalize(plan.content)
    content["targets"].update(TARGETS)
    plan = plan_services.plan_update(plan=plan, by=users.chief, content=content,
                                     version=plan.version)
    plan_services.plan_confirm(plan=plan, by=users.chief)
    plan = plan_services.plan_confirm(plan=plan, by=users.impl_org)
    plan_services.plan_start_review(plan=plan, by=users.bureau)
    plan_services.plan_accept(plan=plan, by=users.bureau)
    guideline = services.guideline_create_from_starter(fiscal_year=YEAR, by=users.hq)
    services.guideline_publish(guideline=guideline, by=users.hq)
    return services.hearing_schedule(hub=users.hub, fiscal_year=YEAR, held_on=today,
                                     lead=users.hq, by=users.hq)


@pytest.mark.parametrize("width", [1366, 390])
def test_evidence_pack_shows_the_plans_targets_against_actuals(page, users, hearing, width):
    log_in(page, users.hq)  # at the default width: a phone's menu hides the logout button
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("evaluation:hearing_detail", args=[hearing.pk]))
    table = page.locator("table.plan-targets")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_contain_text("受理された計画（第1版）の目標と実績")
    expect(table.get_by_role("columnheader", name="達成率")).to_be_visible()
    expect(table.get_by_role("rowheader", name="紹介後のフォローアップ率")).to_be_visible()
    expect(page.locator(".evidence-pack")).to_contain_text("受理済み（第1版）")
    expect(page.locator(".evidence-pack")).not_to_contain_text("まだ登録されていません")
    assert_accessible(page)
    page.locator("#evidence-heading").scroll_into_view_if_needed()
    shoot(page, "evidence-pack")


@pytest.mark.parametrize("width", [1366, 390])
def test_hub_page_shows_the_same_follow_up_rate(page, users, hearing, width):
    log_in(page, users.bureau)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("hubs:hub_detail", args=[users.hub.jis_code]))
    figures = page.locator(".hub-figures")
    expect(figures).to_contain_text("紹介後のフォローアップ率")
    expect(figures).to_contain_text("期限を迎えた紹介")
    assert_accessible(page)
    shoot(page, "hub-figures")
