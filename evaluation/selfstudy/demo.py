"""Demo self-study: the Tokyo hub's, submitted by its chief coordinator for the year of its
latest hearing (the demo's current hearing), a narrative per area and one small PDF made
here. Fictional text. Written as rows, not through the services: the demo's hearing is
already published, which freezes a self-study for the hub's own users."""

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from evaluation.models import Hearing
from hubs.models import Hub
from yorozu.core.uploads import PDF

from .models import Document, Narrative, SelfStudy

CHIEF = "chief.tokyo@example.jp"
NARRATIVES = [
    "専門的な経営相談では、売上拡大と経営改善の案件に重点を置き、コーディネーター間で提案内容を"
    "共有する事例検討会を月2回開催しました。\n一方、専門家派遣の活用は想定を下回り、次年度の課題です。",
    "商工会議所・金融機関との連携会議を四半期ごとに開き、紹介後のフォローアップを台帳で管理しました。"
    "紹介先からの報告がない案件は期限の翌週に確認しています。",
    "支援ノウハウの共有として、提案書の型と成功事例を地域の支援機関向け勉強会で紹介しました。",
    "広報はウェブサイトと地域紙で行い、初回相談のきっかけを毎回記録して効果を確かめています。",
    "チーフコーディネーターと実施機関は月次で運営会議を開き、相談件数と満足度を確認しました。",
]


def demo_pdf(title: str) -> bytes:
    """A one-page PDF (plain ASCII text in a standard font), with a correct cross-reference
    table, made without a library."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


@transaction.atomic
def seed_self_study() -> dict:
    hub = Hub.objects.get(jis_code="13")
    hearing = (Hearing.objects.filter(hub=hub).select_related("guideline")
               .order_by("-fiscal_year").first())
    if hearing is None or SelfStudy.objects.filter(hub=hub,
                                                   fiscal_year=hearing.fiscal_year).exists():
        return {"self_studies": 0}
    chief = get_user_model().objects.get(email=CHIEF)
    submitted_at = timezone.now()
    study = SelfStudy.objects.create(
        hub=hub, fiscal_year=hearing.fiscal_year, guideline=hearing.guideline,
        status=SelfStudy.Status.SUBMITTED, submitted_by=chief, submitted_at=submitted_at,
        created_by=chief, version=2)
    areas = list(hearing.guideline.areas.order_by("sort_order", "code"))
    Narrative.objects.bulk_create(
        Narrative(self_study=study, hub=hub, area=area, text=NARRATIVES[i % len(NARRATIVES)],
                  updated_by=chief, updated_at=submitted_at, version=2)
        for i, area in enumerate(areas))
    if areas:
        content = demo_pdf("Yorozu demo: case review meeting minutes (fictional)")
        document = Document(self_study=study, hub=hub, area=areas[0],
                            original_name="事例検討会の記録（デモ）.pdf", kind=PDF.code,
                            content_type=PDF.content_type, size=len(content), uploaded_by=chief)
        document.file.save("demo.pdf", ContentFile(content), save=False)
        document.save()
    return {"self_studies": 1}
