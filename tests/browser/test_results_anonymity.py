"""The pages that withhold survey figures and the national distribution, in the system
Chromium at a desktop and a phone width: each says why a figure is hidden, passes axe, and is
saved as a screenshot under /tmp for review."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from evaluation.models import Hearing, Score
from evaluation.surveys.models import (
    AgencyInvitation,
    AgencyResponse,
    AgencySurvey,
    SatisfactionResponse,
)
from hubs.models import Hub, SupportAgency
from tests.evaluation.factories import ItemFactory
from tests.hubs.factories import AgencyFactory, UserFactory
from yorozu.core import fiscal

from .conftest import assert_accessible, log_in
from .screens import shoot

pytestmark = pytest.mark.browser

WIDTHS = (1366, 390)
YEAR = fiscal.current_fiscal_year()


def _look(page, url: str, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert_accessible(page)
        shoot(page, name)


def _agency_campaign(users) -> AgencySurvey:
    survey = AgencySurvey.objects.create(
        hub=users.hub, fiscal_year=YEAR, title=f"{YEAR}年度 地域の支援機関アンケート",
        deadline=fiscal.today(), created_by=users.impl_org, status=AgencySurvey.Status.OPEN,
        opened_at=timezone.now(), reminders_sent=1, last_reminded_on=fiscal.today())
    kinds = ([SupportAgency.Kind.CHAMBER_OF_COMMERCE] + [SupportAgency.Kind.FINANCIAL] * 3
             + [SupportAgency.Kind.MUNICIPALITY] * 3)
    now = timezone.now()
    for i, kind in enumerate(kinds):
        agency = AgencyFactory(hub=users.hub, kind=kind, email=f"a{i}@agency.example.jp")
        AgencyInvitation.objects.create(survey=survey, agency=agency, email=agency.email,
                                        sent_at=now, reminders_sent=i % 2)
    for i, kind in enumerate(kinds):  # the seventh is past the last whole batch
        AgencyResponse.objects.create(
            survey=survey, agency_kind=kind, answered_on=fiscal.today(),
            **dict.fromkeys(AgencyResponse.QUESTIONS, 3 + i % 3),
            requests="紹介後の状況を共有してほしい。" if i % 2 else "")
    return survey


def test_the_agency_campaign_page_hides_who_answered_and_small_types(page, users):
    survey = _agency_campaign(users)
    log_in(page, users.impl_org)
    _look(page, reverse("surveys:agency_survey_detail", args=[survey.pk]), "agency-campaign")
    kinds = page.locator("table.agency-survey-kinds")
    expect(kinds).to_contain_text("その他の種類（合算）")
    expect(kinds).not_to_contain_text("商工会議所")
    expect(page.locator(".agency-survey-counted")).to_have_text("6")


def test_the_satisfaction_page_says_why_each_row_is_hidden(page, users):
    second = UserFactory(family_name="二番", given_name="花子")
    third = UserFactory(family_name="三番", given_name="次郎")
    for coordinator, scores in ((users.coordinator, [5, 4, 4, 5, 3, 4, 5]),
                                (second, [5, 5, 4, 4, 4]), (third, [2, 3])):
        for score in scores:
            SatisfactionResponse.objects.create(
                hub=users.hub, coordinator=coordinator, answered_on=fiscal.today(),
                overall=score, understanding=score, usefulness=score, speed=score,
                recommend=score, comment="丁寧に対応いただきました。" if score == 5 else "")
    log_in(page, users.chief)
    _look(page, reverse("surveys:satisfaction_results", args=[users.hub.jis_code]),
          "satisfaction")
    rows = page.locator("table.satisfaction-coordinators tbody tr")
    expect(rows.filter(has_text="二番")).to_contain_text("差し引き")
    expect(rows.filter(has_text="三番")).to_contain_text("件未満")


def test_the_hub_result_explains_a_withheld_distribution(page, users):
    item = ItemFactory(area__guideline__status="published", area__guideline__fiscal_year=YEAR)
    other = Hub.objects.exclude(pk=users.hub.pk).first()
    for hub, level in ((users.hub, 3), (other, 2)):
        hearing = Hearing.objects.create(hub=hub, fiscal_year=YEAR,
                                         guideline=item.area.guideline, held_on=fiscal.today(),
                                         lead=users.hq, status=Hearing.Status.PUBLISHED,
                                         published_at=timezone.now())
        Score.objects.create(hearing=hearing, item=item, level=level, updated_by=users.hq)
    log_in(page, users.chief)
    _look(page, reverse("evaluation:hub_result", args=[users.hub.jis_code]) + f"?year={YEAR}",
          "hub-result")
    expect(page.locator(".result-distribution-withheld")).to_be_visible()
