"""The home page's hub table for a bureau and HQ (hubs/tables.py HubTable, yorozu/views.py):
it sorts on its own prefix, a bureau sees its own hubs only."""

from django.urls import reverse


def _names(response) -> list[str]:
    return [row.record.name for row in response.context["hub_table"].paginated_rows]


def test_hq_sorts_the_hub_table_on_the_home_page(client, cast):
    client.force_login(cast.hq)
    names = _names(client.get(reverse("home")))
    assert len(names) == 47 and names[0] == "北海道よろず支援拠点"
    page = client.get(reverse("home"), {"hubs-sort": "-name"})
    assert _names(page)[0] == "沖縄県よろず支援拠点"
    assert 'aria-sort="descending"' in page.content.decode()
    by_staff = _names(client.get(reverse("home"), {"hubs-sort": "-staff_count"}))
    assert by_staff[0] == "東京都よろず支援拠点"  # the only hub with staff in term


def test_a_bureau_sees_its_own_hubs_only(client, cast):
    client.force_login(cast.bureau)
    names = _names(client.get(reverse("home")))
    assert "東京都よろず支援拠点" in names
    assert "宮城県よろず支援拠点" not in names


def test_a_coordinators_home_has_no_hub_table(client, cast):
    client.force_login(cast.coordinator)
    assert "hub_table" not in client.get(reverse("home")).context
