"""The consultation lists as tables: sorting by a column (aria-sort says which), the page jump,
the user's last filter brought back (never another user's), and "mine only"."""

import re
from datetime import timedelta

from django.urls import reverse

from consultations.forms import hub_coordinators
from hubs.roles import Role
from tests.consultations.factories import CaseFactory, ReferralFactory, SessionFactory
from tests.hubs.factories import AgencyFactory, AppointmentFactory, UserFactory
from yorozu.core import fiscal


def _rows(response) -> list:
    return [row.record for row in response.context["page"].object_list]


def _cases_url(cast) -> str:
    return reverse("consultations:case_list", args=[cast.hub.jis_code])


def _th(body: str, name: str) -> str:
    """The header cell whose sort link carries `sort=name` (or -name)."""
    return next(th for th in re.findall(r"<th [^>]*>.*?</th>", body, re.S)
                if re.search(rf"sort=-?{name}\b", th))


def test_case_list_sorts_by_a_column_both_ways_and_says_so(client, cast):
    few = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__name_kana="アオイ")
    many = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__name_kana="ワカバ")
    for _ in range(2):
        SessionFactory(hub=cast.hub, case=many)
    client.force_login(cast.coordinator)

    by_kana = client.get(_cases_url(cast), {"sort": "client"})
    assert _rows(by_kana) == [few, many]
    assert 'aria-sort="ascending"' in _th(by_kana.content.decode(), "client")
    assert 'aria-sort="none"' in _th(by_kana.content.decode(), "session_count")

    by_sessions = client.get(_cases_url(cast), {"sort": "-session_count"})
    assert _rows(by_sessions) == [many, few]
    assert 'aria-sort="descending"' in _th(by_sessions.content.decode(), "session_count")
    # The header link turns the order round, and sorting starts again from the first page.
    assert "sort=session_count" in _th(by_sessions.content.decode(), "session_count")


def test_an_unknown_sort_or_page_shows_the_list_rather_than_an_error(client, cast):
    CaseFactory(hub=cast.hub, lead=cast.coordinator)
    client.force_login(cast.coordinator)
    for query in [{"sort": "client__hub__secret"}, {"page": "abc"}, {"page": "999"}]:
        assert client.get(_cases_url(cast), query).status_code == 200, query


def test_page_jump_keeps_the_filter_and_sort(client, cast):
    for _ in range(51):
        CaseFactory(hub=cast.hub, lead=cast.coordinator)
    client.force_login(cast.coordinator)
    body = client.get(_cases_url(cast), {"status": "open", "sort": "client"}).content.decode()
    jump = re.search(r'<form method="get" class="page-jump.*?</form>', body, re.S).group(0)
    assert '<input type="hidden" name="status" value="open">' in jump
    assert '<input type="hidden" name="sort" value="client">' in jump
    assert 'name="page"' in jump and 'max="2"' in jump
    assert len(_rows(client.get(_cases_url(cast), {"status": "open", "page": 2}))) == 1


def test_the_last_filter_comes_back_until_cleared(client, cast):
    client.force_login(cast.coordinator)
    url = _cases_url(cast)
    client.get(url, {"status": "open", "q": "", "page": "2"})
    back = client.get(url)
    assert back.status_code == 302 and back["Location"] == f"{url}?status=open"
    assert "条件をクリア" in client.get(back["Location"]).content.decode()

    cleared = client.get(url, {"clear": "1"})
    assert cleared.status_code == 302 and cleared["Location"] == url
    assert client.get(url).status_code == 200  # nothing remembered any more


def test_a_filter_emptied_by_hand_is_forgotten(client, cast):
    client.force_login(cast.coordinator)
    url = _cases_url(cast)
    client.get(url, {"status": "open"})
    client.get(url, {"status": "", "q": ""})
    assert client.get(url).status_code == 200


def test_a_remembered_filter_belongs_to_its_list_and_its_user(client, cast):
    client.force_login(cast.coordinator)
    client.get(_cases_url(cast), {"status": "open"})
    followups = reverse("consultations:followups", args=[cast.hub.jis_code])
    assert client.get(followups).status_code == 200  # another list: its own memory

    session = client.session  # the same session, handed to another user by hand
    store = session["list_filters"]
    store["user"] = cast.chief.pk
    session["list_filters"] = store
    session.save()
    assert client.get(_cases_url(cast)).status_code == 200

    client.force_login(cast.chief)  # and a new login starts with nothing remembered
    assert client.get(_cases_url(cast)).status_code == 200


def test_mine_only_lists_the_cases_i_lead(client, cast):
    mine = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    CaseFactory(hub=cast.hub, lead=cast.chief)
    client.force_login(cast.coordinator)
    response = client.get(_cases_url(cast), {"mine": "on"})
    assert _rows(response) == [mine]
    assert "自分の担当のみ" in response.content.decode()


def test_mine_only_is_not_offered_to_who_leads_no_case_there(client, cast):
    client.force_login(cast.hq)
    assert "自分の担当のみ" not in client.get(_cases_url(cast)).content.decode()


def test_follow_ups_mine_only_keeps_the_referrals_and_steps_of_my_cases(client, cast):
    today, agency = fiscal.today(), AgencyFactory(hub=cast.hub)
    mine = ReferralFactory(hub=cast.hub, case__lead=cast.coordinator, agency=agency,
                           follow_up_due=today - timedelta(days=1))
    ReferralFactory(hub=cast.hub, case__lead=cast.chief, agency=agency)
    my_step = SessionFactory(hub=cast.hub, case__lead=cast.coordinator, next_step="見積",
                             next_step_due=today)
    SessionFactory(hub=cast.hub, case__lead=cast.chief, next_step="訪問", next_step_due=today)
    client.force_login(cast.coordinator)
    url = reverse("consultations:followups", args=[cast.hub.jis_code])

    everyone = client.get(url)
    assert len(everyone.context["referrals"].page.object_list) == 2
    response = client.get(url, {"mine": "on"})
    assert [r.record for r in response.context["referrals"].page.object_list] == [mine]
    assert [r.record for r in response.context["steps"].page.object_list] == [my_step]
    overdue = re.findall(r'<tr class="[^"]*table-danger', response.content.decode())
    assert len(overdue) == 1  # the overdue referral; the step is due today


def test_a_page_fetched_by_key_holds_the_rows_a_single_query_would(client, cast):
    """The case list fetches a page's keys first, then the rows (yorozu/core/tables.PagedByKey):
    the same rows, in the same order, for sorts on the case's own columns and on joined ones."""
    from consultations.models import Case
    from tests.consultations.factories import ClientFactory

    today = fiscal.today()
    for n in range(56):
        CaseFactory(hub=cast.hub, lead=cast.coordinator, opened_on=today - timedelta(days=n % 9),
                    client=ClientFactory(hub=cast.hub, name_kana=f"カ{(n * 7) % 56:02d}"))
    client.force_login(cast.coordinator)
    orders = {"-opened_on": ("-opened_on", "-pk"), "client": ("client__name_kana",
                                                              "client__name", "pk")}
    for sort, order in orders.items():
        page = client.get(_cases_url(cast), {"sort": sort, "page": 2}).context["table"].page
        expected = list(Case.objects.filter(hub=cast.hub).order_by(*order)
                        .values_list("pk", flat=True)[50:])
        assert [row.record.pk for row in page.object_list] == expected
        assert all(row.record.client.name_kana for row in page.object_list)  # joined rows too


def test_a_next_step_stands_until_a_later_session_of_its_case_is_held(client, cast):
    """Superseded steps leave the follow-ups; steps of the case's last day stay (two sessions
    on the same day: both)."""
    today = fiscal.today()
    due = today + timedelta(days=3)
    kept = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    SessionFactory(hub=cast.hub, case=kept, held_on=today - timedelta(days=9),
                   next_step="古い宿題", next_step_due=due)
    SessionFactory(hub=cast.hub, case=kept, held_on=today - timedelta(days=2),
                   next_step="同じ日の宿題一", next_step_due=due)
    SessionFactory(hub=cast.hub, case=kept, held_on=today - timedelta(days=2),
                   next_step="同じ日の宿題二", next_step_due=due)
    alone = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    SessionFactory(hub=cast.hub, case=alone, held_on=today - timedelta(days=20),
                   next_step="一回きりの宿題", next_step_due=due)
    client.force_login(cast.coordinator)

    steps = client.get(reverse("consultations:followups", args=["13"])).context["steps"]
    shown = {row.record.next_step for row in steps.page.object_list}

    assert shown == {"同じ日の宿題一", "同じ日の宿題二", "一回きりの宿題"}


def test_lead_filter_offers_the_hubs_coordinators_by_name_and_keeps_the_choice(client, cast):
    nameless = UserFactory(family_name="", given_name="", email="nameless@test.example.jp")
    AppointmentFactory(user=nameless, hub=cast.hub, role=Role.COORDINATOR)
    CaseFactory(hub=cast.hub, lead=cast.chief)
    client.force_login(cast.coordinator)
    page = client.get(_cases_url(cast), {"lead": cast.chief.pk})
    select = re.search(r'<select name="lead".*?</select>', page.content.decode(), re.S).group(0)
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select)
    # Everyone who logs at the hub today, in kana order as the form's query sorts them, named
    # as anywhere else (a person without a name by their email); another hub's are not offered.
    expected = [(str(user.pk), str(user)) for user in hub_coordinators(cast.hub)]
    assert [(pk, name) for pk, _selected, name in options] == [("", "すべて"), *expected]
    assert (str(nameless.pk), "nameless@test.example.jp") in expected
    assert str(cast.outsider.pk) not in [pk for pk, _name in expected]
    assert [pk for pk, selected, _name in options if selected] == [str(cast.chief.pk)]
    assert [row.lead for row in _rows(page)] == [cast.chief]
