"""The support-agency survey in the system Chromium: the implementing organization creates and
starts a campaign and watches the sending progress live; agencies open their emailed links,
answer by keyboard and see thanks; the results then show on the campaign page. With an axe
sweep of each page on the way.

Labels are looked up through gettext in Japanese, so that the test reads the page as a
Japanese user sees it whether or not this area's translations are compiled yet."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from evaluation.surveys.models import AgencyResponse, AgencySurvey
from tests.hubs.factories import AgencyFactory
from yorozu.jobs.models import Job
from yorozu.jobs.tasks import job_run

from .conftest import assert_accessible, log_in
from .test_consultations import tab_to

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://[^/\s]+(/s/a/[0-9a-f]+/)")


def _ja(msgid: str) -> str:
    with translation.override("ja"):
        return gettext(msgid)


def _answer_by_keyboard(page, scores: dict[str, int]):
    """Tab into each question's radio group (none chosen yet, so Tab lands on its first
    radio, 5) and pick the score with the arrow keys, each ArrowRight one lower."""
    for name, score in scores.items():
        tab_to(page, f"#id_{name}_0")
        page.keyboard.press("Space")
        for _ in range(5 - score):
            page.keyboard.press("ArrowRight")
        expect(page.locator(f"input[name={name}][value='{score}']")).to_be_checked()


def test_impl_org_runs_a_campaign_agencies_answer_and_the_results_show(page, users):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # jobs run in the live server's own process
    agencies = [AgencyFactory(hub=users.hub, email=f"agency{i}@survey.example.jp")
                for i in range(3)]
    log_in(page, users.impl_org)
    page.goto(f"/evaluation/surveys/agencies/{users.hub.jis_code}/")
    page.get_by_role("link", name=_ja("New survey")).click()
    expect(page.get_by_role("heading", name=_ja("New support-agency survey"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label(_ja("message to the agencies"), exact=False).fill(
        "来年度の連携改善に活用します。")
    page.get_by_role("button", name=_ja("Save the draft")).click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    survey = AgencySurvey.objects.get()

    # Hold the job back until the page shows it waiting, then let it run: the progress bar
    # must reach the end by polling, without the page being reloaded.
    held = []
    def hold(args, **_options):
        held.append(args[0])

    with mock.patch.object(job_run, "apply_async", side_effect=hold):
        page.get_by_role("button", name=_ja("Start the survey and send the invitations")).click()
        page.get_by_role("dialog").locator("[data-confirm-yes]").click()  # confirm.js asks first
        expect(page.locator(".job-progress")).to_be_visible()
    assert len(held) == 1 and not mail.outbox
    assert_accessible(page)
    page.evaluate("window.notReloaded = true")
    job_run.delay(held[0])
    expect(page.locator(".job-progress progress")).to_have_attribute("value", "100",
                                                                     timeout=15_000)
    assert page.evaluate("window.notReloaded === true")
    assert Job.objects.get(pk=held[0]).status == Job.Status.DONE
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in agencies)

    visitor = page.context.browser.new_context(base_url=page.url.split("/evaluation")[0],
                                               locale="ja-JP")
    agency_page = visitor.new_page()
    agency_page.console_errors = []
    agency_page.on("console", lambda msg: agency_page.console_errors.append(msg.text)
                   if msg.type == "error" else None)
    for number, message in enumerate(mail.outbox):
        agency_page.goto(LINK.search(message.body).group(1))
        expect(agency_page.get_by_role("heading", name=survey.title)).to_be_visible()
        if number == 0:
            assert_accessible(agency_page)
        agency_page.get_by_role("button", name=_ja("Open the survey")).click()
        expect(agency_page.locator("form.agency-survey-form")).to_be_visible()
        if number == 0:
            assert_accessible(agency_page)
            _answer_by_keyboard(agency_page, {"collaboration": 4, "usefulness": 3,
                                              "referrals": 5})
            tab_to(agency_page, "form.agency-survey-form button[type=submit]")
            agency_page.keyboard.press("Enter")
            expect(agency_page.locator("#id_accessibility-error")).to_be_visible()
            expect(agency_page.locator("input[name=usefulness][value='3']")).to_be_checked()
            assert_accessible(agency_page)
            _answer_by_keyboard(agency_page, {"accessibility": 2})
        else:
            _answer_by_keyboard(agency_page, {"collaboration": 4, "usefulness": 3,
                                              "referrals": 5, "accessibility": 2 + number})
        tab_to(agency_page, "#id_requests")
        agency_page.keyboard.type(f"連絡会を定期的に開いてほしい（{number + 1}）。")
        tab_to(agency_page, "form.agency-survey-form button[type=submit]")
        agency_page.keyboard.press("Enter")
        expect(agency_page.get_by_role("heading",
                                       name=_ja("Thank you for your answers"))).to_be_visible()
        if number == 0:
            assert_accessible(agency_page)
    visitor.close()
    assert AgencyResponse.objects.filter(survey=survey).count() == 3

    page.reload()
    results = page.locator("section.agency-survey-summary")
    expect(results.locator("table.agency-survey-averages")).to_contain_text("3.00")
    expect(results).to_contain_text("連絡会を定期的に開いてほしい（2）。")
    assert_accessible(page)
