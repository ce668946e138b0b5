from django.urls import reverse


def test_coordinator_lands_on_home_with_own_hub(client, cast):
    client.force_login(cast.coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "東京都よろず支援拠点" in response.content.decode()
