"""Demo multi-faceted evaluation: last fiscal year's weights and every hub's evaluation,
finalised from the demo records and published, with improvement requests at the demo hubs:
Tokyo's answered by the chief and followed up by the Kanto bureau (one done, one in
progress), Osaka's still waiting for an action. This year's weights are set too, so that HQ
can start this year's evaluations. A newcomer sees the loop closed; fictional content."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hubs.models import Hub
from yorozu.core import fiscal

from . import axes
from .models import (
    Assessment,
    AxisWeights,
    FollowUpNote,
    ImprovementAction,
    ImprovementRequest,
)

WEIGHTS = {"plan_standard": 15, "plan_priority": 10, "guideline": 25, "satisfaction": 10,
           "agency_survey": 10, "follow_up": 10, "expert_share": 10, "outcomes": 10}
REQUESTS = {
    "13": [("紹介先からの報告の督促", "紹介後のフォローアップ率が全国中央値を下回っている。",
            "in_progress"),
           ("専門家派遣の記録の充実", "専門的な提案に至った案件の根拠資料が少ない。", "done")],
    "27": [("支援機関アンケートの回収率向上", "回答した支援機関が招待の半数に満たない。", "open")],
}


@transaction.atomic
def seed_assessments() -> dict:
    User = get_user_model()
    lead = User.objects.get(email="hq.lead@example.jp")
    year = fiscal.current_fiscal_year()
    for fiscal_year in (year - 1, year):
        AxisWeights.objects.get_or_create(fiscal_year=fiscal_year,
                                          defaults={**WEIGHTS, "updated_by": lead})
    last = year - 1
    if not Assessment.objects.filter(fiscal_year=last).exists():
        _evaluations(last, lead)
        _requests(last, lead)
    return {"assessments": Assessment.objects.filter(fiscal_year=last).count(),
            "requests": ImprovementRequest.objects.count()}


def _evaluations(fiscal_year: int, lead) -> None:
    hubs = list(Hub.objects.order_by("jis_code"))
    values = axes.computed(hub_ids=[hub.pk for hub in hubs], fiscal_year=fiscal_year)
    now = timezone.now()
    Assessment.objects.bulk_create(Assessment(
        hub=hub, fiscal_year=fiscal_year, status=Assessment.Status.PUBLISHED,
        summary="デモ用の総評です。相談対応と連携の両面で着実な取組が見られた。",
        axes={code: value.as_json() for code, value in values[hub.pk].values.items()},
        weights=WEIGHTS, finalised_at=now, finalised_by=lead, published_at=now,
        published_by=lead, created_by=lead) for hub in hubs)


def _requests(fiscal_year: int, lead) -> None:
    User = get_user_model()
    chief = User.objects.get(email="chief.tokyo@example.jp")
    bureau = User.objects.get(email="bureau.kanto@example.jp")
    due = date(fiscal_year + 1, 9, 30)
    for jis, rows in REQUESTS.items():
        assessment = Assessment.objects.get(hub__jis_code=jis, fiscal_year=fiscal_year)
        for title, reason, status in rows:
            request = ImprovementRequest.objects.create(
                assessment=assessment, hub_id=assessment.hub_id, title=title, reason=reason,
                due_on=due, status=status, created_by=lead)
            if jis != "13":
                continue
            ImprovementAction.objects.create(
                request=request, hub_id=request.hub_id, created_by=chief, owner="山田 太郎",
                text="毎週の会議で対象案件を確認し、担当コーディネーターが対応する。")
            FollowUpNote.objects.create(
                request=request, hub_id=request.hub_id, by=bureau, status=status,
                comment="訪問時に進み具合を確認した。")
