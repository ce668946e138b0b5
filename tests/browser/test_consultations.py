"""Consultation pages in the system Chromium: the quick log by keyboard alone, an axe sweep of
every consultation page, and the agency's page reached through its one-time link."""

import re

import pytest
from playwright.sync_api import Page, expect

from consultations import referrals
from consultations.models import Session
from tests.consultations.factories import CaseFactory, ReferralFactory, SessionFactory
from tests.hubs.factories import AgencyFactory

from .conftest import assert_accessible, log_in, sign_in

pytestmark = pytest.mark.browser


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Presses Tab until the element matching `selector` has the focus, as a keyboard user
    would; fails if it is never reached."""
    target = page.locator(selector)
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} was not reached by keyboard")


def test_coordinator_logs_a_new_client_by_keyboard_and_finds_it_in_the_list(page, users):
    log_in(page, users.coordinator)
    tab_to(page, "nav >> text=相談を記録")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="相談を記録")).to_be_visible()

    expect(page.locator("#id_client-name")).to_be_focused()  # autofocus
    page.keyboard.type("株式会社キーボード商会")
    tab_to(page, "#target-new")  # nothing is chosen for the user: "A new client" it is
    page.keyboard.press("Space")
    tab_to(page, "#id_client-name_kana")  # its fields open once it is chosen
    page.keyboard.type("キーボードショウカイ")
    tab_to(page, "#id_client-phone")
    page.keyboard.type("０３－９８７６－５４３２")  # full width, as an IME types it
    tab_to(page, "#id_case-topics_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_session-summary")
    page.keyboard.type("新商品の販路開拓について相談を受けた。")
    tab_to(page, "#id_session-proposal")
    page.keyboard.type("商談会への出展を提案。")
    tab_to(page, "form.quick-log button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator(".messages .alert-success")).to_contain_text("相談を記録しました")
    expect(page.locator("h1")).to_contain_text("株式会社キーボード商会")
    session = Session.objects.get()
    assert session.case.client.phone == "03-9876-5432"
    assert list(session.coordinators.all()) == [users.coordinator]

    tab_to(page, "nav >> text=案件一覧")
    page.keyboard.press("Enter")
    expect(page.locator("table.case-table")).to_contain_text("株式会社キーボード商会")
    assert_accessible(page)


def test_quick_log_errors_are_inline_in_japanese_and_input_is_kept(page, users):
    log_in(page, users.coordinator)
    page.goto(f"/consultations/{users.hub.jis_code}/log/")
    page.locator("#id_client-name").fill("株式会社みらい")
    page.locator("#target-new").check()
    page.locator("#id_client-corporate_number").fill("8000012050002")
    page.get_by_role("button", name="相談を記録する").click()

    expect(page.locator("#error-summary")).to_contain_text("法人番号")
    feedback = page.locator("#div_id_client-corporate_number .invalid-feedback")
    expect(feedback).to_contain_text("チェックデジット")
    expect(page.locator("#id_client-name")).to_have_value("株式会社みらい")
    expect(page.locator("#id_client-corporate_number")).to_have_value("8000012050002")
    assert_accessible(page)


def test_search_as_you_type_offers_the_clients_open_case(page, users):
    case = CaseFactory(hub=users.hub, lead=users.coordinator, client__name="山田商店")
    log_in(page, users.coordinator)
    page.goto(f"/consultations/{users.hub.jis_code}/log/")
    page.locator("#id_client-name").press_sequentially("山田")
    option = page.get_by_label(re.compile("対応中の案件"))
    expect(option).to_be_visible()
    option.check()
    page.locator("#id_session-summary").fill("2回目の相談。")
    page.get_by_role("button", name="相談を記録する").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    assert case.sessions.count() == 1


def _case(users):
    return SessionFactory(hub=users.hub, case__lead=users.coordinator).case


def _referral(users):
    case = _case(users)
    return ReferralFactory(hub=users.hub, case=case, agency=AgencyFactory(hub=users.hub))


# (role, path built from the objects, text the page must show)
SWEEP = [
    ("coordinator", "/consultations/13/log/", "相談を記録"),
    ("coordinator", "/consultations/13/cases/", "案件一覧"),
    ("coordinator", "/consultations/13/cases/?status=open&channel=visit", "案件一覧"),
    ("coordinator", "/consultations/mine/", "担当中の案件"),
    ("chief", "/consultations/13/followups/", "対応中の紹介"),
    ("coordinator", "/consultations/cases/{case}/", "経過"),
    ("coordinator", "/consultations/cases/{case}/edit/", "案件を編集"),
    ("coordinator", "/consultations/cases/{case}/sessions/new/", "相談対応を追加"),
    ("coordinator", "/consultations/cases/{case}/referrals/new/", "支援機関への紹介"),
    ("coordinator", "/consultations/sessions/{session}/edit/", "相談対応を編集"),
    ("coordinator", "/consultations/referrals/{referral}/close/", "紹介を完了にする"),
    ("coordinator", "/consultations/clients/{client}/", "閲覧は記録されます"),
    ("coordinator", "/consultations/clients/{client}/edit/", "相談者情報を編集"),
    ("coordinator", "/consultations/13/import/", "相談記録の取込"),
    ("impl_org", "/consultations/13/cases/", "案件一覧"),
    ("hq", "/consultations/cases/{case}/", "経過"),
    ("bureau", "/hubs/13/", "相談対応件数"),
]


@pytest.mark.parametrize(("role", "path", "text"), SWEEP, ids=[f"{r}:{p}" for r, p, _t in SWEEP])
def test_consultation_page_is_accessible(page, users, role, path, text):
    referral = _referral(users)
    session = referral.case.sessions.first()
    sign_in(page, users.by_role()[role])
    response = page.goto(path.format(case=referral.case_id, session=session.pk,
                                     referral=referral.pk, client=referral.case.client_id))
    assert response.status == 200, f"{path} answered {response.status}"
    expect(page.locator("main")).to_contain_text(text)
    assert_accessible(page)


def test_conflict_screen_is_accessible(page, users):
    case = _case(users)
    log_in(page, users.coordinator)
    page.goto(f"/consultations/cases/{case.pk}/edit/")
    type(case).objects.filter(pk=case.pk).update(version=case.version + 1, outcome="他の方の記入")
    page.locator("#id_outcome").fill("わたしの記入")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#conflict")).to_contain_text("他の方の記入")
    expect(page.locator("#conflict")).to_contain_text("わたしの記入")
    expect(page.locator("#id_outcome")).to_have_value("わたしの記入")
    assert_accessible(page)


def test_agency_acknowledges_and_reports_through_its_link(page, users):
    referral = _referral(users)
    token = referrals.link_issue(referral=referral, purpose="acknowledge")
    page.goto(f"/r/{token}/")
    assert_accessible(page)
    page.get_by_role("button", name="ご紹介の内容を開く").click()
    expect(page).to_have_url(re.compile(r"/r/$"))  # the token has left the address bar
    expect(page.get_by_role("heading", name="よろず支援拠点からのご紹介")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="受領し、対応を始めました").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    page.get_by_label("ご報告内容").fill("融資の申込みを受け付けました。")
    page.get_by_role("button", name="報告を送る").click()
    expect(page.locator("main")).to_contain_text("ご報告ありがとうございました")
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == "reported"
