"""The satisfaction survey in the system Chromium: a client opens the emailed link, answers by
keyboard alone (first leaving a question out), and sees the thanks; the chief coordinator's
results page. Each page passes axe and the CSP.

Selectors are by id and form structure, not by text: the survey's Japanese translations are
merged into the .po files separately."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from evaluation.surveys import links
from evaluation.surveys.models import SatisfactionInvitation, SatisfactionResponse
from tests.consultations.factories import CaseFactory
from yorozu.core import fiscal
from yorozu.core.links import token_hash

from .conftest import assert_accessible, log_in
from .test_consultations import tab_to

pytestmark = pytest.mark.browser


def _link(users) -> str:
    case = CaseFactory(hub=users.hub, lead=users.coordinator, client__email="c@example.jp")
    now = timezone.now()
    invitation = SatisfactionInvitation.objects.create(
        hub=users.hub, case=case, coordinator=users.coordinator, email="c@example.jp",
        sent_at=now, expires_at=now + timedelta(days=30))
    token = links.token_for(invitation)
    SatisfactionInvitation.objects.filter(pk=invitation.pk).update(
        token_hash=token_hash(token))
    return f"/s/c/{token}/"


def _choose(page: Page, field: str, value: int) -> None:
    """Reaches the radio group by Tab and picks `value` with Space and the arrow keys, as a
    keyboard user does (Tab focuses the group's first radio, 5, without choosing it)."""
    tab_to(page, f"#id_{field}_0")
    page.keyboard.press("Space")
    for _ in range(5 - value):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"input[name={field}][value='{value}']")).to_be_checked()


def test_a_client_answers_by_keyboard_and_sees_the_thanks(page, users):
    page.goto(_link(users))
    assert_accessible(page)
    tab_to(page, "form.satisfaction-open button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/s/c/$"))  # the token has left the address bar
    expect(page.locator("form.satisfaction-form fieldset")).to_have_count(5)
    assert_accessible(page)

    for field, value in [("overall", 5), ("understanding", 4), ("usefulness", 4),
                         ("recommend", 5)]:  # "speed" is left out
        _choose(page, field, value)
    tab_to(page, "#id_comment")
    page.keyboard.type("説明が分かりやすかったです。")
    tab_to(page, "form.satisfaction-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_speed-error")).to_be_visible()
    expect(page.locator("#id_comment")).to_have_value("説明が分かりやすかったです。")
    expect(page.locator("input[name=overall][value='5']")).to_be_checked()
    assert_accessible(page)

    _choose(page, "speed", 3)
    tab_to(page, "form.satisfaction-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("main .alert-success[role=status]")).to_be_visible()
    assert_accessible(page)
    answer = SatisfactionResponse.objects.get()
    assert [answer.overall, answer.understanding, answer.usefulness, answer.speed,
            answer.recommend] == [5, 4, 4, 3, 5]
    assert answer.comment == "説明が分かりやすかったです。"


def test_the_chiefs_results_page_is_accessible(page, users):
    for score in [5, 4, 4, 3, 5, 2]:
        SatisfactionResponse.objects.create(
            hub=users.hub, coordinator=users.coordinator, answered_on=fiscal.today(),
            overall=score, understanding=score, usefulness=score, speed=score,
            recommend=score, comment="丁寧な対応でした。")
    log_in(page, users.chief)
    page.goto(f"/evaluation/surveys/satisfaction/{users.hub.jis_code}/")
    expect(page.locator("table.satisfaction-summary")).to_contain_text("3.8")  # 23 / 6
    expect(page.locator("table.satisfaction-coordinators")).to_contain_text(
        users.coordinator.family_name)
    expect(page.locator(".satisfaction-comments")).to_contain_text("丁寧な対応でした。")
    assert_accessible(page)
