"""seed_demo's self-study: Tokyo's, submitted for the year of its latest hearing, with one
small PDF made in code that is a well-formed PDF."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import Hearing
from evaluation.selfstudy.demo import demo_pdf, seed_self_study
from evaluation.selfstudy.models import SelfStudy
from yorozu.core import fiscal
from yorozu.core.uploads import PDF, inspect

from .factories import YEAR, year_guideline


@pytest.fixture
def demo_hearing(cast):
    get_user_model().objects.create_user(email="chief.tokyo@example.jp", password="x" * 12)
    guideline = year_guideline(cast.hq, YEAR - 1)
    return Hearing.objects.create(hub=cast.hub, fiscal_year=YEAR - 1, guideline=guideline,
                                  held_on=fiscal.today(), lead=cast.hq, status="published")


def test_the_demo_hub_has_a_submitted_self_study_for_its_hearing(client, cast, demo_hearing):
    assert seed_self_study() == {"self_studies": 1}
    assert seed_self_study() == {"self_studies": 0}  # safe to run again
    study = SelfStudy.objects.get(hub=cast.hub)
    assert study.fiscal_year == demo_hearing.fiscal_year and study.is_submitted
    assert all(n.text for n in study.narratives.all())
    assert study.narratives.count() == demo_hearing.guideline.areas.count()
    doc = study.documents.get()
    assert doc.kind == "pdf" and doc.file.read().startswith(b"%PDF-")
    client.force_login(cast.hq)
    page = client.get(reverse("evaluation:hearing_detail", args=[demo_hearing.pk]))
    assert reverse("selfstudy:document_download", args=[doc.pk]) in page.content.decode()


def test_the_demo_pdf_is_well_formed():
    content = demo_pdf("Test")
    offsets = [int(x) for x in re.findall(rb"(\d{10}) 00000 n", content)]
    assert [content[o:o + 7] for o in offsets] == [b"%d 0 obj" % n for n in range(1, 6)]
    start = int(re.search(rb"startxref\n(\d+)", content).group(1))
    assert content[start:start + 4] == b"xref" and content.endswith(b"%%EOF\n")

    assert inspect(SimpleUploadedFile("demo.pdf", content), max_bytes=10**6) is PDF
