"""The quick log's choice of whom a consultation is for: it survives a refreshed search, is
never assumed to be a new client, and a new client with the (almost) same name as a registered
one is warned about until confirmed."""

import pytest
from django.urls import reverse

from consultations.models import Case, Client, Session
from consultations.validators import client_name_key
from tests.consultations.factories import CaseFactory, ClientFactory
from tests.consultations.test_consultations import _log, _quick_log_data

YAMADA = "株式会社山田製作所"


# --- The name key ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [
    "株式会社山田製作所", "山田製作所株式会社", "(株)山田製作所", "（株）山田製作所",
    "㈱山田製作所", "山田製作所（株）", "株式会社　山田　製作所", " 山田製作所 ", "山田製作所",
])
def test_name_key_sets_aside_width_spaces_and_the_corporate_form(name):
    assert client_name_key(name) == "山田製作所"


@pytest.mark.parametrize(("typed", "registered"), [
    ("ＡＢＣ商事", "abc商事"),  # full-width and upper-case Latin letters
    ("ﾔﾏﾀﾞ商店", "ヤマダ商店"),  # half-width katakana
    ("合同会社 ミライ", "ミライ合同会社"),
    ("有限会社山田商店", "(有)山田商店"),
])
def test_name_key_matches_near_exact_spellings(typed, registered):
    assert client_name_key(typed) == client_name_key(registered)


@pytest.mark.parametrize(("one", "other"), [
    ("山田製作所", "山田製作"), ("山田製作所", "山田製作所二号店"), ("株式会社", "有限会社山田")])
def test_name_key_keeps_different_names_apart(one, other):
    assert client_name_key(one) != client_name_key(other)


def test_name_key_of_a_bare_corporate_form_is_empty():
    assert client_name_key("株式会社") == client_name_key(" ") == ""


def test_client_keeps_its_name_key_in_step_with_its_name(cast):
    client = ClientFactory(hub=cast.hub, name="株式会社　ヤマダ")
    assert client.name_key == "ヤマダ"
    client.name = "ﾔﾏﾀﾞ工業(株)"
    client.save()
    assert Client.objects.get(pk=client.pk).name_key == "ヤマダ工業"


def test_bulk_created_clients_get_their_name_key(cast):
    Client.objects.bulk_create([Client(hub=cast.hub, name="（株）一括")])
    assert Client.objects.get(name="（株）一括").name_key == "一括"


# --- No silent default -------------------------------------------------------------------------
def test_quick_log_refuses_a_submission_without_a_target(client, cast):
    client.force_login(cast.coordinator)
    data = _quick_log_data(cast)
    del data["target"]
    response = client.post(reverse("consultations:quick_log", args=[cast.hub.jis_code]), data)

    assert response.status_code == 200
    assert not Client.objects.exists() and not Session.objects.exists()
    page = response.content.decode()
    assert "記録先を選んでください" in page
    assert "株式会社みらい製作所" in page  # what was typed is kept


def test_quick_log_without_a_target_offers_the_clients_matching_the_typed_name(client, cast):
    registered = ClientFactory(hub=cast.hub, name=YAMADA)
    client.force_login(cast.coordinator)
    data = _quick_log_data(cast, **{"client-name": "山田製作所"})
    del data["target"]
    response = client.post(reverse("consultations:quick_log", args=[cast.hub.jis_code]), data)

    assert response.status_code == 200 and Client.objects.count() == 1
    assert f'value="client:{registered.pk}"' in response.content.decode()


# --- The chosen target survives a refreshed search --------------------------------------------
def _search(client, cast, **params):
    return client.get(reverse("consultations:client_search", args=[cast.hub.jis_code]), params)


def test_refreshed_search_keeps_the_chosen_client_checked_even_when_it_no_longer_matches(
        client, cast):
    chosen = ClientFactory(hub=cast.hub, name="山田商店")
    ClientFactory(hub=cast.hub, name="山田製作所")
    client.force_login(cast.coordinator)

    page = _search(client, cast, **{"client-name": "山田製", "target": f"client:{chosen.pk}"})

    html = page.content.decode()
    assert "山田商店" in html and "山田製作所" in html
    assert f'value="client:{chosen.pk}" id="target-client-{chosen.pk}" checked' in html


def test_refreshed_search_keeps_the_chosen_open_case_checked(client, cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__name="山田商店")
    client.force_login(cast.coordinator)

    page = _search(client, cast, **{"client-name": "7000012050002", "target": f"case:{case.pk}"})

    assert f'value="case:{case.pk}" id="target-case-{case.pk}" checked' in page.content.decode()


def test_refreshed_search_keeps_the_choice_when_the_name_box_is_cleared(client, cast):
    chosen = ClientFactory(hub=cast.hub, name="山田商店")
    client.force_login(cast.coordinator)
    page = _search(client, cast, **{"client-name": "", "target": f"client:{chosen.pk}"})
    assert f'id="target-client-{chosen.pk}" checked' in page.content.decode()


def test_refreshed_search_never_shows_another_hubs_client_as_the_choice(client, cast):
    foreign = ClientFactory(hub=cast.other_hub, name="山田商店")
    client.force_login(cast.coordinator)
    page = _search(client, cast, **{"client-name": "山田", "target": f"client:{foreign.pk}"})
    assert "山田商店" not in page.content.decode()


def test_search_finds_near_exact_spellings(client, cast):
    ClientFactory(hub=cast.hub, name="株式会社　ﾔﾏﾀﾞ製作所")
    ClientFactory(hub=cast.hub, name="有限会社ABC", corporate_number="7000012050002")
    client.force_login(cast.coordinator)
    assert "ﾔﾏﾀﾞ製作所" in _search(client, cast, q="ヤマダ製作所").content.decode()
    assert "有限会社ABC" in _search(client, cast, q="７０００－０１").content.decode()


# --- A strong name match -----------------------------------------------------------------------
def test_a_single_strong_match_becomes_the_default_choice(client, cast):
    registered = ClientFactory(hub=cast.hub, name=YAMADA)
    client.force_login(cast.coordinator)

    page = _search(client, cast, **{"client-name": "山田製作所株式会社", "target": "new"})

    html = page.content.decode()
    assert f'id="target-client-{registered.pk}" checked' in html
    assert "すでに登録されています" in html


def test_a_strong_match_with_an_open_case_defaults_to_that_case(client, cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__name=YAMADA)
    client.force_login(cast.coordinator)
    page = _search(client, cast, **{"client-name": "（株）山田製作所", "target": "new"})
    assert f'id="target-case-{case.pk}" checked' in page.content.decode()


def test_a_strong_match_does_not_override_another_chosen_client(client, cast):
    ClientFactory(hub=cast.hub, name=YAMADA)
    chosen = ClientFactory(hub=cast.hub, name="山田製作所二号店")
    client.force_login(cast.coordinator)
    page = _search(client, cast, **{"client-name": "山田製作所",
                                    "target": f"client:{chosen.pk}"})
    html = page.content.decode()
    assert html.count(" checked") == 1 and f'id="target-client-{chosen.pk}" checked' in html


def test_several_strong_matches_leave_the_choice_to_the_user(client, cast):
    ClientFactory(hub=cast.hub, name=YAMADA)
    ClientFactory(hub=cast.hub, name="山田製作所（有）")
    client.force_login(cast.coordinator)
    html = _search(client, cast, **{"client-name": "山田製作所", "target": "new"}).content.decode()
    assert " checked" not in html
    assert "同じ事業者名の相談者が複数" in html


def _checked(html: str) -> list[str]:
    """The values of the "target" radios drawn checked."""
    import re
    return re.findall(r'name="target" value="([^"]+)"[^>]*\schecked', html)


def test_the_quick_log_opens_with_nothing_chosen(client, cast):
    client.force_login(cast.coordinator)
    page = client.get(reverse("consultations:quick_log", args=[cast.hub.jis_code]))
    html = page.content.decode()
    assert 'value="new" id="target-new"' in html and _checked(html) == []


@pytest.mark.parametrize("typed", ["7000012050002", "７０００-０１２０-５０００２"])
def test_the_exact_corporate_number_is_a_strong_match(client, cast, typed):
    registered = ClientFactory(hub=cast.hub, name="有限会社ABC", corporate_number="7000012050002")
    client.force_login(cast.coordinator)
    html = _search(client, cast, **{"client-name": typed, "target": ""}).content.decode()
    assert _checked(html) == [f"client:{registered.pk}"]


def test_the_exact_kana_is_a_strong_match(client, cast):
    registered = ClientFactory(hub=cast.hub, name=YAMADA, name_kana="ヤマダセイサクショ")
    client.force_login(cast.coordinator)
    html = _search(client, cast, **{"client-name": "ﾔﾏﾀﾞ ｾｲｻｸｼｮ", "target": ""}).content.decode()
    assert _checked(html) == [f"client:{registered.pk}"]


@pytest.mark.parametrize("typed", ["山田", "ヤマダ", "700001205"])
def test_a_part_of_a_name_kana_or_number_chooses_nothing(client, cast, typed):
    ClientFactory(hub=cast.hub, name=YAMADA, name_kana="ヤマダセイサクショ",
                  corporate_number="7000012050002")
    client.force_login(cast.coordinator)
    html = _search(client, cast, **{"client-name": typed, "target": ""}).content.decode()
    assert YAMADA in html and _checked(html) == []


# --- New client with a near-exact name: warned until confirmed ------------------------------
@pytest.mark.parametrize("typed", [YAMADA, "山田製作所株式会社", "（株）山田　製作所"])
def test_new_client_with_a_near_exact_name_is_warned_until_confirmed(client, cast, typed):
    registered = ClientFactory(hub=cast.hub, name=YAMADA, phone="06-1234-5678")
    client.force_login(cast.coordinator)

    warned = _log(client, cast, **{"client-name": typed})
    assert warned.status_code == 200 and Client.objects.count() == 1
    html = warned.content.decode()
    assert "すでに登録されています" in html
    # The registered client is offered right there, to choose instead.
    assert f'value="client:{registered.pk}"' in html

    confirmed = _log(client, cast, confirm_duplicate="1", **{"client-name": typed})
    assert confirmed.status_code == 302 and Client.objects.count() == 2


def test_near_exact_name_of_another_hubs_client_is_not_a_duplicate(client, cast):
    ClientFactory(hub=cast.other_hub, name=YAMADA)
    client.force_login(cast.coordinator)
    assert _log(client, cast, **{"client-name": YAMADA}).status_code == 302


def test_choosing_the_registered_client_after_the_warning_records_it_there(client, cast):
    registered = ClientFactory(hub=cast.hub, name=YAMADA)
    client.force_login(cast.coordinator)
    _log(client, cast, **{"client-name": YAMADA})
    response = _log(client, cast, target=f"client:{registered.pk}", **{"client-name": YAMADA})
    assert response.status_code == 302
    assert Client.objects.count() == 1
    assert Case.objects.get().client == registered and Session.objects.count() == 1


# --- Query budgets -----------------------------------------------------------------------------
def test_search_with_a_chosen_case_stays_within_the_search_budget(client, cast):
    from tests.project.test_query_budgets import _count, _grow

    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__name="山田商店")
    client.force_login(cast.coordinator)
    url = (reverse("consultations:client_search", args=[cast.hub.jis_code])
           + f"?q=試験&target=case:{case.pk}")
    _grow(cast, 2)
    small = _count(client, url)
    _grow(cast, 15)
    large = _count(client, url)
    assert small == large <= 9  # the same budget as a search without a choice


def test_refused_quick_log_runs_a_fixed_number_of_queries(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.project.test_query_budgets import _grow

    client.force_login(cast.coordinator)
    data = _quick_log_data(cast, **{"client-name": "試験"})
    del data["target"]
    url = reverse("consultations:quick_log", args=[cast.hub.jis_code])
    counts = []
    for n in (2, 15):
        _grow(cast, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, data).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 16, counts  # + the top bar's unread notifications


def test_refused_quick_log_with_a_nul_in_the_name_still_answers(client, cast):
    client.force_login(cast.coordinator)
    data = _quick_log_data(cast, **{"client-name": "山田\x00製作所"})
    del data["target"]
    response = client.post(reverse("consultations:quick_log", args=[cast.hub.jis_code]), data)
    assert response.status_code == 200 and not Client.objects.exists()
