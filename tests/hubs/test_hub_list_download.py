"""The hub list downloads as the page shows it (yorozu/core/tables.table_file): every hub
the reader may see, in the sort chosen, with Japanese headers and names whatever the
reader's language, and staff counts as numbers."""

import pytest
from django.urls import reverse

from tests.downloads import FORMATS, csv_rows, download_rows

HEADER = ["拠点", "経済産業局", "実施機関", "在任職員数"]



@pytest.mark.parametrize("chosen", FORMATS)
def test_hq_downloads_every_hub_in_japanese(client, cast, chosen):
    client.force_login(cast.hq)
    client.cookies["django_language"] = "en"
    header, *rows = download_rows(client.get(reverse("hubs:hub_list"), {"format": chosen}), chosen)

    assert header == HEADER
    assert len(rows) == 47
    assert rows[0][0] == "北海道よろず支援拠点"
    tokyo = next(row for row in rows if row[0] == "東京都よろず支援拠点")
    assert tokyo[1] == "関東経済産業局"
    # Three staff in term at Tokyo (coordinator, chief, implementing organization).
    assert tokyo[3] == (3 if chosen == "xlsx" else "3")


def test_the_download_follows_the_sort_the_reader_chose(client, cast):
    client.force_login(cast.hq)
    response = client.get(reverse("hubs:hub_list"), {"sort": "-name", "format": "csv-utf8"})
    names = [row[0] for row in csv_rows(response.content, "csv-utf8")[1:]]
    assert names[0] == "沖縄県よろず支援拠点" and names[-1] == "北海道よろず支援拠点"


def test_the_page_links_its_downloads_with_the_sort_in_force(client, cast):
    client.force_login(cast.hq)
    page = client.get(reverse("hubs:hub_list"), {"sort": "-staff_count"}).content.decode()
    assert "sort=-staff_count&amp;format=xlsx" in page


def test_a_coordinator_downloads_only_the_hubs_the_page_shows(client, cast):
    client.force_login(cast.coordinator)
    page_rows = client.get(reverse("hubs:hub_list")).context["table"].rows
    response = client.get(reverse("hubs:hub_list"), {"format": "csv-utf8"})
    assert len(csv_rows(response.content, "csv-utf8")) - 1 == len(page_rows)
