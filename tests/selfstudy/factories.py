"""Self-studies in a given state, made as rows (the services are tested on their own)."""

from django.core.files.base import ContentFile
from django.utils import timezone

from evaluation.models import Guideline
from evaluation.selfstudy.models import Document, Narrative, SelfStudy
from tests.evaluation.factories import published_guideline
from yorozu.core import fiscal
from yorozu.core.uploads import PDF

from . import files

YEAR = fiscal.current_fiscal_year()


def year_guideline(hq, fiscal_year: int = YEAR) -> Guideline:
    """The year's published guideline (the starter's areas and items)."""
    return (Guideline.objects.filter(fiscal_year=fiscal_year, status="published").first()
            or published_guideline(fiscal_year=fiscal_year, by=hq))


def self_study(*, hub, by, guideline: Guideline, submitted: bool = False,
               text: str = "") -> SelfStudy:
    study = SelfStudy.objects.create(
        hub=hub, fiscal_year=guideline.fiscal_year, guideline=guideline, created_by=by,
        status=SelfStudy.Status.SUBMITTED if submitted else SelfStudy.Status.DRAFT,
        submitted_by=by if submitted else None,
        submitted_at=timezone.now() if submitted else None)
    Narrative.objects.bulk_create(
        Narrative(self_study=study, hub=hub, area=area,
                  text=text or (f"{area.title}についての記述" if submitted else ""))
        for area in guideline.areas.all())
    return study


def document(study: SelfStudy, *, by, area=None, name: str = "資料.pdf",
             content: bytes = files.PDF) -> Document:
    doc = Document(self_study=study, hub_id=study.hub_id,
                   area=area or study.guideline.areas.order_by("sort_order").first(),
                   original_name=name, kind=PDF.code, content_type=PDF.content_type,
                   size=len(content), uploaded_by=by)
    doc.file.save("ignored.pdf", ContentFile(content), save=False)
    doc.save()
    return doc
