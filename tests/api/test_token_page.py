"""The settings page where a user makes and revokes their own API and calendar tokens."""

from django.urls import reverse

from yorozu.api.models import UserToken
from yorozu.api.tokens import token_user


def test_a_new_token_is_shown_once_and_works(client, cast):
    client.force_login(cast.chief)
    page = client.get(reverse("api:tokens"))
    assert "まだ発行していません。" in page.content.decode()
    made = client.post(reverse("api:token_issue", args=["api"]), follow=True)
    token = made.context["new_token"]
    assert token in made.content.decode() and "この一度だけ" in made.content.decode()
    assert token_user(token=token, purpose="api") == cast.chief
    again = client.get(reverse("api:tokens")).content.decode()  # a reload: not again
    assert token not in again and f"先頭が {token[:6]}" in again


def test_the_calendar_address_is_shown_whole(client, cast, settings):
    client.force_login(cast.coordinator)
    made = client.post(reverse("api:token_issue", args=["calendar"]), follow=True)
    token = made.context["new_token"]
    address = settings.SITE_URL + reverse("api:calendar_feed", args=[token])
    assert address in made.content.decode()


def test_revoking_stops_the_token(client, cast):
    client.force_login(cast.chief)
    token = client.post(reverse("api:token_issue", args=["api"]),
                        follow=True).context["new_token"]
    response = client.post(reverse("api:token_revoke", args=["api"]), follow=True)
    assert "トークンを無効にしました" in response.content.decode()
    assert token_user(token=token, purpose="api") is None
    assert not UserToken.objects.filter(user=cast.chief).exists()


def test_a_user_touches_only_their_own_tokens(client, cast):
    client.force_login(cast.coordinator)
    client.post(reverse("api:token_issue", args=["api"]))
    client.force_login(cast.chief)
    client.post(reverse("api:token_revoke", args=["api"]))
    assert UserToken.objects.filter(user=cast.coordinator).exists()


def test_an_unknown_purpose_is_a_404_and_gets_need_a_post(client, cast):
    client.force_login(cast.chief)
    assert client.post(reverse("api:token_issue", args=["other"])).status_code == 404
    assert client.get(reverse("api:token_issue", args=["api"])).status_code == 405
