"""One set of bounds and one text cleaner for what people type and what they import: dates from
the hubs' start to a little ahead, minutes from 1 to 600, and no invisible control characters
(NUL, bidi overrides, zero-width spaces) in stored text."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import imports
from consultations.forms import CaseForm, ClientForm, ReferralForm, SessionForm
from consultations.models import Client, Session
from consultations.validators import EARLIEST_DATE, MAX_DAYS_AHEAD, clean_text
from hubs.models import SupportAgency
from tests.consultations.factories import CaseFactory, ClientFactory
from tests.consultations.test_consultations import _log, _quick_log_data
from tests.consultations.test_import import _csv, _row
from yorozu.core import fiscal

RLO, ZWSP, BOM = "\u202e", "\u200b", "\ufeff"


def _session_data(cast, **overrides) -> dict:
    data = {"held_on": fiscal.today().isoformat(), "start_time": "", "duration_minutes": "60",
            "channel": "visit", "coordinators": [cast.coordinator.pk], "summary": "販路の相談。",
            "proposal": "", "next_step": "", "next_step_due": ""}
    return data | overrides


# --- Dates and minutes ----------------------------------------------------------------------------
@pytest.mark.parametrize(("field", "value"), [
    ("held_on", "0001-01-01"), ("held_on", (EARLIEST_DATE - timedelta(days=1)).isoformat()),
    ("duration_minutes", "0"), ("duration_minutes", "601"),
])
def test_the_session_form_refuses_dates_before_the_hubs_and_minutes_out_of_range(
        cast, field, value):
    form = SessionForm(_session_data(cast, **{field: value}), hub=cast.hub)

    assert not form.is_valid()
    assert field in form.errors


def test_the_session_form_accepts_the_bounds_themselves(cast):
    form = SessionForm(_session_data(cast, held_on=EARLIEST_DATE.isoformat(),
                                     duration_minutes="1"), hub=cast.hub)
    assert form.is_valid(), form.errors
    form = SessionForm(_session_data(cast, duration_minutes="600"), hub=cast.hub)
    assert form.is_valid(), form.errors


def test_a_next_step_due_date_far_ahead_is_refused(cast):
    too_far = fiscal.today() + timedelta(days=MAX_DAYS_AHEAD + 1)
    form = SessionForm(_session_data(cast, next_step="見積書の確認",
                                     next_step_due=too_far.isoformat()), hub=cast.hub)
    assert "next_step_due" in form.errors


def test_the_quick_log_refuses_year_one_and_zero_minutes(client, cast):
    client.force_login(cast.coordinator)
    response = _log(client, cast, **{"session-held_on": "0001-01-01",
                                     "session-duration_minutes": "0"})

    assert response.status_code == 200
    errors = response.context["log"].session_form.errors
    assert "held_on" in errors and "duration_minutes" in errors
    assert Session.objects.count() == 0


def test_the_case_form_refuses_an_opening_date_before_the_hubs(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    data = {"lead": cast.coordinator.pk, "topics": [t.pk for t in case.topics.all()],
            "depth": case.depth, "status": "open", "outcome": "", "opened_on": "0001-01-01",
            "closed_on": "", "version": case.version}
    form = CaseForm(data, instance=case)
    assert "opened_on" in form.errors


def test_the_referral_form_refuses_a_follow_up_date_years_ahead(cast):
    agency = SupportAgency.objects.create(hub=cast.hub, name="商工会議所", kind="other",
                                          email="a@example.jp")
    form = ReferralForm({"agency": agency.pk, "kind": "referral", "reason": "資金調達",
                         "handed_over": "", "follow_up_due": "9999-12-31"}, hub=cast.hub)
    assert "follow_up_due" in form.errors


@pytest.mark.parametrize(("value", "column"), [
    ("0001/01/01", "相談日"), ("2014/05/31", "相談日"), ("9999/12/31", "次のステップ期限"),
])
def test_the_import_applies_the_same_date_bounds(cast, value, column):
    overrides = {column: value}
    if column == "次のステップ期限":
        overrides["次のステップ"] = "見積書の確認"
    upload = imports.read_upload(SimpleUploadedFile("s.csv", _csv([_row(cast.coordinator,
                                                                        overrides)])))
    checked = imports.check(upload, hub=cast.hub)
    assert [column] == [c for _row_number, c, _message in checked.errors]


# --- Text -----------------------------------------------------------------------------------------
def test_invisible_and_direction_changing_characters_are_removed_from_client_names(cast):
    data = {"name": f"株式会社{RLO}よろず{ZWSP}製作所{BOM}", "name_kana": f"ヨロズ{RLO}",
            "kind": "corporation", "corporate_number": "", "phone": "", "email": "",
            "industry": "", "employees": "", "capital": "", "municipality": "",
            "representative": "", "contact_person": "", "survey_consent": ""}
    form = ClientForm(data, hub=cast.hub)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "株式会社よろず製作所"
    assert form.cleaned_data["name_kana"] == "ヨロズ"


def test_a_name_made_only_of_invisible_characters_is_required_again(client, cast):
    client.force_login(cast.coordinator)
    response = _log(client, cast, **{"client-name": f"{ZWSP}{RLO}{BOM}"})

    assert response.status_code == 200
    assert "name" in response.context["log"].client_form.errors
    assert not Client.objects.exists()


def test_the_quick_log_stores_names_and_summaries_without_control_characters(client, cast):
    client.force_login(cast.coordinator)
    data = _quick_log_data(cast, **{"client-name": "株式会社\u2066みらい\u2069製作所",
                                    "session-summary": "販路\x07開拓\r\nについて相談。\x00"})
    response = client.post(reverse("consultations:quick_log", args=[cast.hub.jis_code]), data)

    assert response.status_code == 302
    assert Client.objects.get().name == "株式会社みらい製作所"
    assert Session.objects.get().summary == "販路開拓\nについて相談。"


def test_the_import_cleans_names_the_same_way(cast):
    upload = imports.read_upload(SimpleUploadedFile("s.csv", _csv([_row(
        cast.coordinator, {"相談者名": f"{RLO}株式会社よろず{ZWSP}"})])))
    checked = imports.check(upload, hub=cast.hub)
    assert not checked.errors
    assert checked.rows[0].data["name"] == "株式会社よろず"


def test_client_search_with_a_nul_character_answers_normally(client, cast):
    ClientFactory(hub=cast.hub, name="株式会社よろず")
    client.force_login(cast.coordinator)
    url = reverse("consultations:client_search", args=[cast.hub.jis_code])

    response = client.get(url + "?q=%00")
    assert response.status_code == 200
    response = client.get(url + "?q=%E3%82%88%00%E3%82%8D")  # よ NUL ろ
    assert response.status_code == 200 and "株式会社よろず" in response.content.decode()


def test_clean_text_keeps_tabs_newlines_and_ordinary_japanese():
    assert clean_text("株式会社\tよろず\n（本社）") == "株式会社\tよろず\n（本社）"
    assert clean_text("ｶﾞ") == "ｶﾞ"  # NFC, not NFKC: half-width kana stay as typed
    assert clean_text("か\u3099") == "が"  # a combining mark joins its letter
    assert clean_text(f"a\r\nb\rc{RLO}\u202a\u2067\u200c\u200d\x1f\x7f") == "a\nb\nc"
    assert date(2014, 6, 1) == EARLIEST_DATE
