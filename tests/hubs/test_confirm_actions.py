"""Irreversible actions ask first. Each such form (or its button) carries data-confirm with a
message saying what cannot be undone; static/js/confirm.js shows it in the page's one
<dialog> and sends the form only when confirmed (tests/browser/test_confirm_dialog.py)."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import Item, SelfCheck
from evaluation.plans import services as plan_services
from evaluation.plans.models import ActivityPolicy, AnnualPlan
from evaluation.surveys import agency
from evaluation.surveys.models import AgencySurvey
from hubs.models import Appointment
from hubs.roles import Role
from tests.evaluation.factories import ItemFactory, SelfCheckFactory
from tests.hubs.factories import AgencyFactory, AppointmentFactory, UserFactory
from yorozu.core import fiscal

YEAR = fiscal.current_fiscal_year()


def confirm_message(page: str, action: str | None) -> str:
    """The data-confirm message of the form posting to `action` (None: the form posting to
    the page itself), on the form or on a button."""
    target = (r'action="' + re.escape(action) + r'"' if action
              else r'method="post"(?![^>]*action=)')
    match = re.search(r'<form\b[^>]*' + target + r'[^>]*>.*?</form>', page, re.S)
    assert match, f"no form posting to {action}"
    found = re.search(r'data-confirm="([^"]+)"', match.group(0))
    assert found, f"the form posting to {action} does not ask for confirmation"
    return unescape(found.group(1))


@pytest.fixture
def guideline(cast):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    return services.guideline_publish(guideline=draft, by=cast.hq)


def test_publishing_the_guideline_and_deleting_an_item_ask_first(client, cast):
    draft = services.guideline_create_from_starter(fiscal_year=YEAR, by=cast.hq)
    item = Item.objects.filter(area__guideline=draft).first()
    client.force_login(cast.hq)
    page = client.get(reverse("evaluation:guideline_detail", args=[YEAR])).content.decode()
    message = confirm_message(page, reverse("evaluation:guideline_publish", args=[YEAR]))
    assert "公開後は変更できません" in message and fiscal.fiscal_year_label(YEAR) in message
    message = confirm_message(page, reverse("evaluation:item_delete", args=[item.pk]))
    assert item.code in message and "元に戻せません" in message


def test_finalising_and_publishing_a_hearing_ask_first(client, cast, guideline):
    hearing = services.hearing_schedule(hub=cast.hub, fiscal_year=YEAR, held_on=fiscal.today(),
                                        lead=cast.hq, by=cast.hq)
    client.force_login(cast.hq)
    url = reverse("evaluation:hearing_detail", args=[hearing.pk])
    message = confirm_message(client.get(url).content.decode(),
                              reverse("evaluation:hearing_finalise", args=[hearing.pk]))
    assert "ロック" in message
    for item in Item.objects.filter(area__guideline=guideline):
        services.score_save(hearing=hearing, item=item, by=cast.hq, level=3, evidence="",
                            version=0)
    services.hearing_finalise(hearing=hearing, by=cast.hq)
    message = confirm_message(client.get(url).content.decode(),
                              reverse("evaluation:hearing_publish", args=[hearing.pk]))
    assert "経済産業局" in message and "すぐに" in message


def test_publishing_the_activity_policy_asks_first(client, cast):
    ActivityPolicy.objects.create(fiscal_year=YEAR, priority_themes="重点", indicators=["sessions"],
                                  plan_deadline=fiscal.today())
    client.force_login(cast.hq)
    page = client.get(reverse("plans:policy_detail", args=[YEAR])).content.decode()
    message = confirm_message(page, reverse("plans:policy_publish", args=[YEAR]))
    assert "取り消せません" in message


def test_accepting_or_returning_a_plan_asks_first(client, cast):
    plan = plan_services.plan_get_or_create(hub=cast.hub, fiscal_year=YEAR, by=cast.chief)
    plan_services.plan_confirm(plan=plan, by=cast.chief)
    plan_services.plan_confirm(plan=plan, by=cast.impl_org)
    plan.refresh_from_db()
    assert plan.status == AnnualPlan.Status.SUBMITTED
    client.force_login(cast.bureau)
    args = [cast.hub.jis_code, YEAR]
    page = client.get(reverse("plans:plan_detail", args=args)).content.decode()
    assert "変更できなくなります" in confirm_message(
        page, reverse("plans:plan_accept", args=args))
    assert "取り消せません" in confirm_message(page, reverse("plans:plan_return", args=args))


def test_deciding_on_appointments_asks_first(client, cast):
    proposed = AppointmentFactory(user=UserFactory(family_name="候補", given_name="花子"),
                                  role=Role.COORDINATOR, hub=cast.hub,
                                  status=Appointment.Status.PROPOSED, proposed_by=cast.chief)
    client.force_login(cast.bureau)
    page = client.get(reverse("hubs:appointment_list")).content.decode()
    assert "候補 花子" in confirm_message(
        page, reverse("hubs:appointment_approve", args=[proposed.pk]))
    assert "取り消せません" in confirm_message(
        page, reverse("hubs:appointment_reject", args=[proposed.pk]))
    coordinator = Appointment.objects.get(user=cast.coordinator)
    page = client.get(reverse("hubs:hub_detail", args=[cast.hub.jis_code])).content.decode()
    message = confirm_message(page, reverse("hubs:appointment_revoke", args=[coordinator.pk]))
    assert str(cast.coordinator) in message and "取り消せません" in message
    client.force_login(cast.chief)
    page = client.get(reverse("hubs:appointment_list")).content.decode()
    assert "取り消せません" in confirm_message(
        page, reverse("hubs:appointment_withdraw", args=[proposed.pk]))


def test_starting_reminding_and_closing_the_agency_survey_ask_first(client, cast):
    AgencyFactory(hub=cast.hub, email="a@agency.example.jp")
    survey = agency.survey_create(hub=cast.hub, by=cast.impl_org, data={"message": "ご協力を"})
    client.force_login(cast.impl_org)
    url = reverse("surveys:agency_survey_detail", args=[survey.pk])
    assert "取り消せません" in confirm_message(
        client.get(url).content.decode(),
        reverse("surveys:agency_survey_start", args=[survey.pk]))
    AgencySurvey.objects.filter(pk=survey.pk).update(status=AgencySurvey.Status.OPEN,
                                                      opened_at=timezone.now())
    page = client.get(url).content.decode()
    assert "すぐに" in confirm_message(
        page, reverse("surveys:agency_survey_remind", args=[survey.pk]))
    assert "取り消せません" in confirm_message(
        page, reverse("surveys:agency_survey_close", args=[survey.pk]))


def test_submitting_and_reviewing_a_self_check_ask_first(client, cast):
    ItemFactory()
    draft = SelfCheckFactory(hub=cast.hub, user=cast.coordinator)
    client.force_login(cast.coordinator)
    url = reverse("evaluation:selfcheck_edit", args=[draft.pk])
    page = client.get(url).content.decode()
    submit = re.search(r'<button[^>]*value="submit"[^>]*>', page).group(0)
    assert "変更できなくなります" in unescape(re.search(r'data-confirm="([^"]+)"', submit).group(1))
    save = re.search(r'<button[^>]*value="save"[^>]*>', page).group(0)
    assert "data-confirm" not in save  # a draft is saved without asking
    SelfCheck.objects.filter(pk=draft.pk).update(status=SelfCheck.Status.SUBMITTED,
                                                 submitted_at=timezone.now())
    client.force_login(cast.chief)
    page = client.get(url).content.decode()
    assert "取り消せません" in confirm_message(
        page, reverse("evaluation:selfcheck_review", args=[draft.pk]))


def test_closing_a_referral_asks_first(client, cast):
    from tests.consultations.factories import CaseFactory, ReferralFactory

    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    referral = ReferralFactory(hub=cast.hub, case=case, agency=AgencyFactory(hub=cast.hub))
    client.force_login(cast.coordinator)
    url = reverse("consultations:referral_close", args=[referral.pk])
    page = client.get(url).content.decode()
    assert "再開できません" in confirm_message(page, None)


def test_every_page_has_the_one_confirmation_dialog(client, cast):
    client.force_login(cast.coordinator)
    page = client.get("/").content.decode()
    assert page.count('<dialog id="confirm-dialog"') == 1
    assert "js/confirm.js" in page
    assert "<script>" not in page  # the CSP forbids inline scripts
