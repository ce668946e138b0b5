"""Logging consultations: field rules, the quick log, duplicate warnings, version conflicts,
change history and the audit of personal-data reads."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations.models import Case, Client, PersonalDataRead, Session, Topic
from consultations.validators import corporate_number_check_digit, validate_corporate_number
from tests.consultations.factories import CaseFactory, ClientFactory, SessionFactory
from yorozu.core import fiscal

VALID_NUMBERS = ["7000012050002", "4010001008830", "8000020130001"]


def test_check_digit_of_the_national_tax_agency_number():
    assert corporate_number_check_digit("000012050002") == 7


@pytest.mark.parametrize("number", VALID_NUMBERS)
def test_valid_corporate_numbers_pass(number):
    validate_corporate_number(number)


@pytest.mark.parametrize("number", ["8000012050002", "700001205000", "70000120500021",
                                    "A000012050002", ""])
def test_invalid_corporate_numbers_are_refused(number):
    with pytest.raises(ValidationError):
        validate_corporate_number(number)


def _quick_log_data(cast, **overrides):
    data = {
        "target": "new",
        "client-name": "株式会社みらい製作所",
        "client-name_kana": "ミライセイサクショ",
        "client-kind": "corporation",
        "client-corporate_number": "",
        "client-phone": "03-1111-2222",
        "client-survey_consent": "on",
        "case-topics": [str(Topic.objects.get(code="sales").pk)],
        "case-depth": "expert",
        "session-held_on": fiscal.today().isoformat(),
        "session-start_time": "",
        "session-duration_minutes": "60",
        "session-channel": "visit",
        "session-coordinators": [str(cast.coordinator.pk)],
        "session-summary": "販路開拓について相談。",
        "session-proposal": "展示会出展を提案。",
        "session-next_step": "",
        "session-next_step_due": "",
    }
    data.update(overrides)
    return data


def _log(client, cast, **overrides):
    return client.post(reverse("consultations:quick_log", args=[cast.hub.jis_code]),
                       _quick_log_data(cast, **overrides))


def test_quick_log_records_client_case_and_session_in_one_step(client, cast):
    client.force_login(cast.coordinator)
    response = _log(client, cast, **{"client-corporate_number": "７０００－０１２０－５０００２"})

    session = Session.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("consultations:case_detail", args=[session.case_id])
    assert session.hub == cast.hub and session.case.client.hub == cast.hub
    assert session.case.client.corporate_number == "7000012050002"  # full width normalised
    assert list(session.coordinators.all()) == [cast.coordinator]
    assert session.case.lead == cast.coordinator
    assert session.created_by == cast.coordinator
    assert session.case.history.first().history_user == cast.coordinator
    # The new session's one history record ("added", by the coordinator), its coordinators
    # on it: not a second "changed" record when they were linked.
    (record,) = session.history.all()
    assert (record.history_type, record.history_user) == ("+", cast.coordinator)
    assert [link.user for link in record.coordinators.all()] == [cast.coordinator]


def test_a_coordinator_named_twice_is_linked_once(cast):
    from consultations import services

    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    session = services.session_create(case=case, by=cast.coordinator,
                                      coordinators=[cast.coordinator, cast.coordinator],
                                      data={"held_on": fiscal.today(), "summary": "二度"})
    assert list(session.coordinators.all()) == [cast.coordinator]
    assert session.history.get().coordinators.count() == 1


def test_future_date_is_refused_and_the_input_is_kept(client, cast):
    client.force_login(cast.coordinator)
    tomorrow = (fiscal.today() + timedelta(days=1)).isoformat()
    response = _log(client, cast, **{"session-held_on": tomorrow})

    assert response.status_code == 200
    assert Session.objects.count() == Client.objects.count() == 0
    page = response.content.decode()
    assert "未来の日付です" in page
    assert "株式会社みらい製作所" in page and "販路開拓について相談。" in page


def test_invalid_corporate_number_is_shown_beside_its_field(client, cast):
    client.force_login(cast.coordinator)
    response = _log(client, cast, **{"client-corporate_number": "8000012050002"})

    assert response.status_code == 200 and not Client.objects.exists()
    form = response.context["log"].client_form
    assert "corporate_number" in form.errors
    assert 'href="#id_client-corporate_number"' in response.content.decode()


def test_duplicate_client_is_warned_until_confirmed(client, cast):
    ClientFactory(hub=cast.hub, name="株式会社みらい製作所", phone="03-1111-2222")
    client.force_login(cast.coordinator)

    warned = _log(client, cast)
    assert warned.status_code == 200
    assert "すでに登録されています" in warned.content.decode()
    assert Client.objects.count() == 1
    # The warning shows the registered client's phone number: that read is logged.
    assert PersonalDataRead.objects.filter(user=cast.coordinator,
                                           what="quick_log_duplicate").count() == 1

    confirmed = _log(client, cast, confirm_duplicate="1")
    assert confirmed.status_code == 302
    assert Client.objects.count() == 2


def test_duplicate_by_corporate_number_is_only_within_the_hub(client, cast):
    ClientFactory(hub=cast.other_hub, corporate_number="7000012050002")
    client.force_login(cast.coordinator)
    response = _log(client, cast, **{"client-corporate_number": "7000012050002"})
    assert response.status_code == 302


def test_quick_log_adds_a_session_to_an_existing_open_case(client, cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    client.force_login(cast.coordinator)
    response = _log(client, cast, target=f"case:{case.pk}", **{"client-name": ""})
    assert response.status_code == 302
    assert case.sessions.count() == 1 and Case.objects.count() == 1


def test_quick_log_cannot_target_another_hubs_case(client, cast):
    foreign = CaseFactory(hub=cast.other_hub, lead=cast.outsider)
    client.force_login(cast.coordinator)
    response = _log(client, cast, target=f"case:{foreign.pk}")
    assert response.status_code == 200
    assert not Session.objects.exists()
    assert "選んだ相談者または案件" in response.content.decode()


def test_client_search_finds_by_name_kana_and_corporate_number_in_own_hub_only(client, cast):
    mine = ClientFactory(hub=cast.hub, name="山田商店", name_kana="ヤマダショウテン",
                         kind="corporation", corporate_number="7000012050002")
    ClientFactory(hub=cast.other_hub, name="山田工業", name_kana="ヤマダコウギョウ")
    client.force_login(cast.coordinator)
    url = reverse("consultations:client_search", args=[cast.hub.jis_code])
    for q in ["山田", "ヤマダ", "700001"]:
        page = client.get(url, {"q": q}).content.decode()
        assert mine.name in page and "山田工業" not in page, q


# --- Conflicts --------------------------------------------------------------------------------
def _case_form_data(case, **overrides):
    data = {"lead": case.lead_id, "topics": [t.pk for t in case.topics.all()],
            "depth": case.depth, "status": case.status, "outcome": case.outcome,
            "opened_on": case.opened_on.isoformat(), "closed_on": "", "version": case.version}
    data.update(overrides)
    return data


def test_second_editor_of_a_case_sees_the_conflict_and_loses_nothing(client, cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    url = reverse("consultations:case_edit", args=[case.pk])
    stale = _case_form_data(case)

    client.force_login(cast.chief)
    first = client.post(url, _case_form_data(case, outcome="チーフの記入"))
    assert first.status_code == 302

    client.force_login(cast.coordinator)
    second = client.post(url, {**stale, "outcome": "コーディネーターの記入"})
    assert second.status_code == 409
    page = second.content.decode()
    assert "チーフの記入" in page and "コーディネーターの記入" in page  # both versions shown
    case.refresh_from_db()
    assert case.outcome == "チーフの記入"  # nothing overwritten

    # Saving again from the conflict screen knowingly replaces the saved version.
    form = second.context["form"]
    assert form.data["version"] == case.version
    third = client.post(url, form.data)
    assert third.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "コーディネーターの記入"
    editors = [h.history_user for h in case.history.order_by("-history_date")[:2]]
    assert editors == [cast.coordinator, cast.chief]  # who changed it, newest first


def test_a_case_loaded_without_history_still_opens(client, cast):
    """Bulk loads (seed_scale, old data) write no history rows: the timeline has no changes."""
    session = SessionFactory(hub=cast.hub, case__lead=cast.coordinator, summary="一括登録の相談")
    session.case.history.all().delete()
    client.force_login(cast.coordinator)
    response = client.get(reverse("consultations:case_detail", args=[session.case_id]))
    assert response.status_code == 200
    assert [kind for _when, kind, _item in response.context["timeline"]] == ["session"]


def test_closing_a_case_needs_a_closing_date(client, cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    client.force_login(cast.coordinator)
    response = client.post(reverse("consultations:case_edit", args=[case.pk]),
                           _case_form_data(case, status="resolved"))
    assert response.status_code == 200
    assert "closed_on" in response.context["form"].errors


def test_session_edit_conflict_keeps_the_input(client, cast):
    session = SessionFactory(hub=cast.hub, case__lead=cast.coordinator)
    url = reverse("consultations:session_edit", args=[session.pk])
    data = {"held_on": session.held_on.isoformat(), "start_time": "", "duration_minutes": 60,
            "channel": "phone", "coordinators": [cast.coordinator.pk], "summary": "新しい要約",
            "proposal": "", "next_step": "", "next_step_due": "", "version": session.version}
    Session.objects.filter(pk=session.pk).update(version=session.version + 1)
    client.force_login(cast.coordinator)
    response = client.post(url, data)
    assert response.status_code == 409
    assert "新しい要約" in response.content.decode()


# --- Reads are logged -------------------------------------------------------------------------
def test_reading_a_clients_personal_data_is_logged(client, cast):
    record = ClientFactory(hub=cast.hub)
    client.force_login(cast.hq)
    assert client.get(reverse("consultations:client_detail", args=[record.pk])).status_code == 200
    read = PersonalDataRead.objects.get()
    assert (read.user, read.client, read.what) == (cast.hq, record, "client")


def test_hq_reading_a_hubs_case_list_is_logged(client, cast):
    client.force_login(cast.hq)
    client.get(reverse("consultations:case_list", args=[cast.hub.jis_code]))
    assert PersonalDataRead.objects.filter(user=cast.hq, what="case_list",
                                           hub=cast.hub).count() == 1


# --- Lists ------------------------------------------------------------------------------------
def _rows(response) -> list:
    """The records on the list's page, in their order."""
    return [row.record for row in response.context["page"].object_list]


def test_case_list_filters_by_topic_status_coordinator_period_and_channel(client, cast):
    it = Topic.objects.get(code="it_dx")
    wanted = SessionFactory(hub=cast.hub, case__lead=cast.coordinator, channel="online",
                            held_on=fiscal.today() - timedelta(days=3),
                            case__topics=[it]).case
    SessionFactory(hub=cast.hub, case__lead=cast.chief, channel="visit")
    SessionFactory(hub=cast.other_hub, case__lead=cast.outsider, channel="online",
                   case__topics=[it])
    client.force_login(cast.chief)
    url = reverse("consultations:case_list", args=[cast.hub.jis_code])
    since = (fiscal.today() - timedelta(days=7)).isoformat()
    for query in [{"topic": it.pk}, {"status": "open", "channel": "online"},
                  {"lead": cast.coordinator.pk}, {"since": since, "channel": "online"}]:
        cases = _rows(client.get(url, query))
        assert cases == [wanted], query


def test_my_open_cases_lists_only_my_open_cases(client, cast):
    mine = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    CaseFactory(hub=cast.hub, lead=cast.coordinator, status="resolved",
                closed_on=fiscal.today())
    CaseFactory(hub=cast.hub, lead=cast.chief)
    client.force_login(cast.coordinator)
    assert _rows(client.get(reverse("consultations:my_cases"))) == [mine]


def test_case_list_pages_fifty_at_a_time(client, cast):
    for _ in range(51):
        CaseFactory(hub=cast.hub, lead=cast.coordinator)
    client.force_login(cast.coordinator)
    url = reverse("consultations:case_list", args=[cast.hub.jis_code])
    assert len(_rows(client.get(url))) == 50
    assert len(_rows(client.get(url, {"page": 2}))) == 1


def test_bureau_sees_counts_on_the_hub_page_but_no_records(client, cast):
    SessionFactory(hub=cast.hub, case__lead=cast.coordinator)
    SessionFactory(hub=cast.hub, case__lead=cast.coordinator)
    client.force_login(cast.bureau)
    response = client.get(reverse("hubs:hub_detail", args=[cast.hub.jis_code]))
    assert response.context["figures"]["sessions"] == 2
    assert "株式会社試験商事" not in response.content.decode()
    assert client.get(reverse("consultations:case_list",
                              args=[cast.hub.jis_code])).status_code == 404


def test_services_refuse_another_hubs_coordinator_as_lead_or_present(cast):
    from consultations import services

    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    with pytest.raises(services.WorkflowError):
        services.session_create(case=case, by=cast.coordinator, coordinators=[cast.outsider],
                                data={"held_on": fiscal.today(), "summary": "相談"})
    with pytest.raises(services.WorkflowError):
        services.case_create(client=case.client, by=cast.coordinator, lead=cast.outsider,
                             topics=[], depth="expert", opened_on=fiscal.today())
    assert not Session.objects.exists() and Case.objects.count() == 1
