"""The appointments page as tables (hubs/tables.py): the queue and the decisions sort by their
columns each on their own (the decisions with the prefix `decided-`), the page downloads every
appointment it covers in each format with Japanese headers, a hub's proposals name the person
as the hub typed them (in a sort too), and another bureau's hubs stay out."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hubs.models import Appointment
from hubs.roles import Role
from tests.downloads import FORMATS, assert_finished_table, csv_rows, sheet_rows, workbook
from tests.hubs.factories import AppointmentFactory, UserFactory
from yorozu.core import fiscal

URL = reverse("hubs:appointment_list")
HEADER = ["氏名", "拠点", "開始日", "終了日", "状況", "処理日", "処理者", "招待メール"]


def _proposal(hub, by, family_name, kana, *, starts_in=0, typed=""):
    today = fiscal.today()
    return AppointmentFactory(
        user=UserFactory(family_name=family_name, given_name="一", family_name_kana=kana,
                         given_name_kana="ハジメ"),
        role=Role.COORDINATOR, hub=hub, status=Appointment.Status.PROPOSED, proposed_by=by,
        proposed_name=typed, starts_on=today + timedelta(days=starts_in),
        ends_on=fiscal.fiscal_year_end(fiscal.fiscal_year_of(today)))


def _decided(hub, by, family_name, kana, *, days_ago, status=Appointment.Status.APPROVED):
    appointment = _proposal(hub, by, family_name, kana)
    Appointment.objects.filter(pk=appointment.pk).update(
        status=status, decided_by=by, decided_at=timezone.now() - timedelta(days=days_ago))
    return appointment


@pytest.fixture
def proposals(cast):
    return [_proposal(cast.hub, cast.chief, "渡辺", "ワタナベ", starts_in=1),
            _proposal(cast.hub, cast.chief, "青木", "アオキ", starts_in=5)]


@pytest.fixture
def decisions(cast):
    return [_decided(cast.hub, cast.bureau, "加藤", "カトウ", days_ago=3),
            _decided(cast.hub, cast.bureau, "佐藤", "サトウ", days_ago=1,
                     status=Appointment.Status.REJECTED)]


def _records(table) -> list:
    return [row.record for row in table.paginated_rows]


def test_the_queue_sorts_by_name_in_kana_and_by_term(client, cast, proposals):
    client.force_login(cast.bureau)
    watanabe, aoki = proposals
    assert _records(client.get(URL).context["queue"]) == [watanabe, aoki]  # by term
    by_name = client.get(URL, {"sort": "name"})
    assert _records(by_name.context["queue"]) == [aoki, watanabe]
    assert _records(client.get(URL, {"sort": "-term"}).context["queue"]) == [aoki, watanabe]
    body = by_name.content.decode()
    assert 'aria-sort="ascending"' in body


def test_the_decisions_sort_on_their_own_prefix(client, cast, proposals, decisions):
    client.force_login(cast.bureau)
    kato, sato = decisions
    page = client.get(URL)
    newest_first = [r for r in _records(page.context["decided"]) if r in decisions]
    assert newest_first == [sato, kato]
    sorted_page = client.get(URL, {"decided-sort": "name"})
    assert [r for r in _records(sorted_page.context["decided"]) if r in decisions] == [kato, sato]
    # The queue keeps its own order.
    assert _records(sorted_page.context["queue"]) == proposals
    assert "decided-sort=name&amp;format=xlsx" in sorted_page.content.decode()


def test_a_hubs_proposals_sort_by_the_name_it_typed_not_the_account(client, cast):
    # The accounts sort ア before ワ; the names the hub typed sort the other way.
    first = _proposal(cast.hub, cast.chief, "秘匿", "アイダ", typed="山田 太郎")
    second = _proposal(cast.hub, cast.chief, "秘密", "ワダ", typed="上田 次郎")
    client.force_login(cast.chief)
    page = client.get(URL, {"sort": "name"})
    assert _records(page.context["queue"]) == sorted([first, second],
                                                     key=lambda a: a.proposed_name)
    body = page.content.decode()
    assert "秘匿" not in body and "秘密" not in body
    file = client.get(URL, {"format": "csv-utf8"})
    assert "秘匿" not in file.content.decode("utf-8-sig")
    assert "山田 太郎" in file.content.decode("utf-8-sig")


@pytest.mark.parametrize("chosen", FORMATS)
def test_the_appointments_download_in_japanese_with_the_proposals(client, cast, proposals,
                                                                  decisions, chosen):
    client.force_login(cast.bureau)
    client.cookies["django_language"] = "en"
    response = client.get(URL, {"decided-sort": "name", "format": chosen})
    assert response.status_code == 200
    if chosen == "xlsx":
        sheet = workbook(response.content).worksheets[0]
        assert_finished_table(sheet)
        header, *rows = sheet_rows(sheet)
    else:
        header, *rows = csv_rows(response.content, chosen)
    assert header == HEADER
    names = [row[0] for row in rows]
    # Every coordinator of the bureau's hub, proposed or decided, in the sort chosen (kana).
    for person in ["青木 一", "渡辺 一", "加藤 一", "佐藤 一", str(cast.coordinator)]:
        assert person in names
    assert names.index("青木 一") < names.index("加藤 一") < names.index("佐藤 一") \
        < names.index("渡辺 一")
    sato = rows[names.index("佐藤 一")]
    assert sato[1] == "東京都よろず支援拠点" and sato[4] == "却下" and sato[6] == str(cast.bureau)
    aoki = rows[names.index("青木 一")]
    assert aoki[4] == "経済産業局の承認待ち"
    decided_on = Appointment.objects.get(pk=decisions[1].pk).decided_at
    decided_on = timezone.localtime(decided_on).date()
    if chosen == "xlsx":
        assert sato[5].date() == decided_on  # a date, not text
    else:
        assert sato[5] == decided_on.isoformat()
    assert str(cast.outsider) not in names  # Miyagi is another bureau's


def test_another_bureaus_hub_is_absent_from_the_page_and_the_file(client, cast, proposals):
    elsewhere = _proposal(cast.other_hub, cast.outsider, "宮城", "ミヤギ")
    _decided(cast.other_hub, cast.outsider, "仙台", "センダイ", days_ago=2)
    client.force_login(cast.bureau)
    page = client.get(URL)
    assert elsewhere not in _records(page.context["queue"])
    body = page.content.decode()
    assert "宮城 一" not in body and "仙台 一" not in body
    file = client.get(URL, {"format": "csv-utf8"}).content.decode("utf-8-sig")
    assert "宮城 一" not in file and "仙台 一" not in file and "宮城県" not in file


@pytest.mark.parametrize("each", [2, 55])
@pytest.mark.parametrize("role", ["bureau", "chief"])
def test_the_page_and_its_file_cost_the_same_with_more_than_a_page(
        client, cast, role, each, django_assert_max_num_queries):
    for n in range(each):
        _proposal(cast.hub, cast.chief, f"候補{n}", f"コウホ{n:02d}", typed=f"候補 {n}")
        _decided(cast.hub, cast.bureau, f"済{n}", f"スミ{n:02d}", days_ago=n % 7)
    client.force_login(cast.by_role()[role])
    # The budgets of tests/project/test_query_budgets.py, with the download's.
    with django_assert_max_num_queries(10 if role == "bureau" else 11):
        assert client.get(URL, {"sort": "name", "decided-sort": "-name"}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(URL, {"format": "xlsx"}).status_code == 200
