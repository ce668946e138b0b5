from django.urls import reverse

from hubs.models import SupportAgency
from tests.hubs.factories import AgencyFactory


def _form(agency, **changes):
    data = {"name": agency.name, "kind": agency.kind, "contact_person": agency.contact_person,
            "email": agency.email, "phone": agency.phone, "notes": agency.notes,
            "is_active": "on", "version": agency.version}
    data.update(changes)
    return data


def test_chief_adds_an_agency_to_the_directory(client, cast):
    client.force_login(cast.chief)
    response = client.post(reverse("hubs:agency_create", args=["13"]), {
        "name": "試験市商工会", "kind": "shokokai", "contact_person": "経営指導員",
        "email": "soudan@shokokai.example.jp", "phone": "03-0000-0000", "notes": "",
        "is_active": "on",
    })
    assert response.status_code == 302
    agency = SupportAgency.objects.get(name="試験市商工会")
    assert agency.hub == cast.hub and agency.updated_by == cast.chief


def test_invalid_input_is_shown_inline_in_japanese_and_kept(client, cast):
    client.force_login(cast.impl_org)
    response = client.post(reverse("hubs:agency_create", args=["13"]), {
        "name": "", "kind": "financial", "contact_person": "融資課 田中",
        "email": "not-an-email", "phone": "", "notes": "", "is_active": "on",
    })
    body = response.content.decode()
    assert response.status_code == 200
    assert "この項目は必須です。" in body
    assert "有効なメールアドレスを入力してください。" in body
    assert 'value="融資課 田中"' in body and 'value="not-an-email"' in body


def test_duplicate_name_in_the_same_hub_is_refused(client, cast):
    existing = AgencyFactory(hub=cast.hub, name="試験信用金庫")
    client.force_login(cast.chief)
    response = client.post(reverse("hubs:agency_create", args=["13"]),
                           _form(existing, version=""))
    assert response.status_code == 200
    assert SupportAgency.objects.filter(name="試験信用金庫").count() == 1


def test_second_editor_sees_the_conflict_and_loses_nothing(client, cast):
    agency = AgencyFactory(hub=cast.hub, contact_person="佐藤")
    url = reverse("hubs:agency_edit", args=[agency.pk])
    client.force_login(cast.chief)
    client.post(url, _form(agency, contact_person="鈴木（先に保存）"))  # first editor saves

    client.force_login(cast.impl_org)  # second editor still holds version 1
    response = client.post(url, _form(agency, contact_person="高橋（後から保存）"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "編集中に他の方がこの支援機関を保存しました" in body
    assert "鈴木（先に保存）" in body  # the saved version, shown for comparison
    assert 'value="高橋（後から保存）"' in body  # what the second editor typed, kept
    agency.refresh_from_db()
    assert agency.contact_person == "鈴木（先に保存）" and agency.version == 2

    # Saving again from the conflict screen knowingly replaces the stored version.
    client.post(url, _form(agency, contact_person="高橋（後から保存）", version=2))
    agency.refresh_from_db()
    assert agency.contact_person == "高橋（後から保存）" and agency.version == 3


def test_inactive_agencies_are_hidden_unless_asked_for(client, cast):
    AgencyFactory(hub=cast.hub, name="利用中の機関")
    AgencyFactory(hub=cast.hub, name="廃止した機関", is_active=False)
    client.force_login(cast.coordinator)
    url = reverse("hubs:agency_list", args=["13"])
    assert "廃止した機関" not in client.get(url).content.decode()
    assert "廃止した機関" in client.get(url + "?all=1").content.decode()
