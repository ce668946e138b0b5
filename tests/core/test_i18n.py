from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "yorozu" / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_japanese_translation():
    with open(PO, "rb") as f:
        catalog = read_po(f, locale="ja")
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_pages_are_japanese_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="ja">' in body and "ログイン" in body


def test_the_switch_turns_the_interface_english_and_back(client, cast):
    client.force_login(cast.chief)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body and "Tokyo Yorozu Support Hub" in body
    assert "Chief coordinator" in body and "FY20" in body
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    assert "東京都よろず支援拠点" in client.get("/").content.decode()
