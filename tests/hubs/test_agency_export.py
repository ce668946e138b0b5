"""The support-agency directory downloads as the list shows it (in use only, or all), in
Excel and in CSV of either encoding; another hub's directory stays a 404."""

import pytest
from django.urls import reverse

from hubs.exports import AGENCY_HEADERS
from hubs.models import SupportAgency
from tests.downloads import FORMATS, csv_rows, download_rows
from tests.hubs.factories import AgencyFactory


@pytest.fixture
def agencies(cast):
    AgencyFactory(hub=cast.hub, name="東京商工会議所", contact_person="窓口 太郎",
                  email="madoguchi@example.jp", phone="03-1234-5678")
    AgencyFactory(hub=cast.hub, name="旧 よろず信用金庫", kind=SupportAgency.Kind.FINANCIAL,
                  is_active=False)
    AgencyFactory(hub=cast.other_hub, name="他県の商工会")



@pytest.mark.parametrize("chosen", FORMATS)
def test_the_directory_downloads_the_agencies_in_use(client, cast, agencies, chosen):
    client.force_login(cast.coordinator)
    response = client.get(reverse("hubs:agency_list", args=["13"]), {"format": chosen})

    assert response.status_code == 200
    header, *rows = download_rows(response, chosen)
    assert header == AGENCY_HEADERS
    assert [row[:3] for row in rows] == [["東京商工会議所", "商工会議所", "窓口 太郎"]]
    assert rows[0][4] == "03-1234-5678"  # a phone number stays text, its zero kept


def test_with_all_the_download_has_the_agencies_no_longer_in_use(client, cast, agencies):
    client.force_login(cast.chief)
    url = reverse("hubs:agency_list", args=["13"])
    response = client.get(url, {"format": "csv-cp932", "all": "1"})

    rows = csv_rows(response.content, "csv-cp932")[1:]
    assert {(row[0], row[1], row[5]) for row in rows} == {
        ("東京商工会議所", "商工会議所", "利用中"), ("旧 よろず信用金庫", "金融機関", "利用終了")}
    assert "all=1&amp;format=xlsx" in client.get(url, {"all": "1"}).content.decode()


def test_another_hubs_directory_is_not_downloadable(client, cast, agencies):
    client.force_login(cast.coordinator)
    response = client.get(reverse("hubs:agency_list", args=["04"]), {"format": "csv-utf8"})
    assert response.status_code == 404
