"""Hostile files sent to the self-study's upload, as a browser (or an attacker) would send
them: every one is refused with a message, the typed narrative stays in the form, nothing is
saved or stored, and none of them is a server error."""

import os

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from evaluation.selfstudy.models import Document

from . import files
from .factories import self_study, year_guideline

NARRATIVE = "地域の支援機関との連携会議を四半期ごとに開催した。"


@pytest.fixture
def study(cast):
    return self_study(hub=cast.hub, by=cast.chief, guideline=year_guideline(cast.hq))


def _stored_files() -> list[str]:
    root = django_settings.MEDIA_ROOT
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _s, names in os.walk(root) for f in names) if os.path.isdir(root) else []


def _send(client, study, filename, content):
    narrative = study.narratives.first()
    body, content_type = files.multipart({"text": NARRATIVE, "version": narrative.version},
                                         [("file", filename, content)])
    return client.post(reverse("selfstudy:area_edit", args=[study.pk, narrative.area_id]),
                       data=body, content_type=content_type)


HOSTILE = [
    ("an executable renamed .pdf", "請求書.pdf", files.EXE),
    ("a web page named .png", "写真.png", files.HTML),
    ("a zip bomb posing as .xlsx", "実績.xlsx", files.zip_bomb()),
    ("a macro workbook", "集計.xlsm", files.xlsm()),
    ("a macro workbook renamed .xlsx", "集計.xlsx", files.xlsm()),
    ("a path-traversal name", "../../../../etc/cron.d/evil.pdf", files.PDF),
    ("a Windows path-traversal name", "..\\..\\windows\\evil.pdf", files.PDF),
    ("a name that is only the way up", "..", files.PDF),
    ("a drive-relative name", "C:evil.pdf", files.PDF),
]


@pytest.mark.parametrize(("what", "filename", "content"), HOSTILE,
                         ids=[case[0] for case in HOSTILE])
def test_a_hostile_file_is_refused_and_the_narrative_kept(client, cast, study, what, filename,
                                                          content):
    before = _stored_files()
    client.force_login(cast.chief)
    response = _send(client, study, filename, content)
    assert response.status_code == 200, what
    page = response.content.decode()
    assert NARRATIVE in page  # still in the form
    assert 'class="invalid-feedback' in page or "error-summary" in page
    assert not Document.objects.exists()
    assert study.narratives.first().text == ""  # nothing saved, not even the text
    assert _stored_files() == before


def test_an_oversize_file_is_refused_while_it_streams_in(client, cast, study, settings):
    settings.ATTACHMENT_MAX_BYTES = 64 * 1024
    client.force_login(cast.chief)
    response = _send(client, study, "大きな資料.pdf", files.PDF + b"\0" * (200 * 1024))
    assert response.status_code == 200
    assert NARRATIVE in response.content.decode()
    assert not Document.objects.exists()


def test_a_plain_file_sent_the_same_way_is_accepted(client, cast, study):
    client.force_login(cast.chief)
    assert _send(client, study, "議事録.pdf", files.PDF).status_code == 302
    assert Document.objects.get().original_name == "議事録.pdf"


@pytest.mark.parametrize("name", ["実績.xlsx", "写真.png", "写真.jpg"])
def test_the_other_kinds_are_accepted(client, cast, study, name):
    content = {"xlsx": files.xlsx(), "png": files.PNG, "jpg": files.JPEG}[name.rsplit(".")[-1]]
    client.force_login(cast.chief)
    assert _send(client, study, name, content).status_code == 302
    assert Document.objects.get().size == len(content)


def test_a_broken_multipart_body_is_a_bad_request_not_a_server_error(client, cast, study):
    narrative = study.narratives.first()
    client.force_login(cast.chief)
    response = client.post(reverse("selfstudy:area_edit", args=[study.pk, narrative.area_id]),
                           data=b"--x\r\nContent-Disposition: form-data; name=\"file\"; "
                                b"filename=\"a.pdf\"\r\n\r\n%PDF-",
                           content_type="multipart/form-data; boundary=")
    assert response.status_code == 400
