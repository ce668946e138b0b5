"""Demo evaluation data: last fiscal year's guideline, published, with a published hearing at
every hub (so the national view has something to show), and this year's starter guideline as
a draft for HQ to edit, publish and hold hearings against. Fictional scores."""

import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hubs.models import Hub
from yorozu.core import fiscal

from .models import Guideline, Hearing, HearingEvent, Item, Score
from .services import guideline_create_from_starter

HQ_LEAD = "hq.lead@example.jp"


@transaction.atomic
def seed_evaluation() -> dict:
    lead = get_user_model().objects.get(email=HQ_LEAD)
    year = fiscal.current_fiscal_year()
    if not Guideline.objects.filter(fiscal_year=year - 1).exists():
        last = guideline_create_from_starter(fiscal_year=year - 1, by=lead)
        last.title = last.title.replace("（叩き台）", "（前年度版・デモ）")
        last.status, last.published_at, last.published_by = "published", timezone.now(), lead
        last.save()
        hearings_seed(last, lead, hubs=Hub.objects.order_by("jis_code"))
    if not Guideline.objects.filter(fiscal_year=year).exists():
        guideline_create_from_starter(fiscal_year=year, by=lead)
    return {"hearings": Hearing.objects.filter(fiscal_year=year - 1).count()}


def hearings_seed(guideline: Guideline, lead, *, hubs) -> None:
    """A published hearing with scores at each of `hubs` (demo and seed_scale)."""
    items = list(Item.objects.filter(area__guideline=guideline).order_by("pk"))
    held_on = fiscal.fiscal_year_start(guideline.fiscal_year).replace(month=12, day=10)
    for hub in hubs:
        rng = random.Random(f"hearing-{hub.jis_code}")
        hearing = Hearing.objects.create(
            hub=hub, fiscal_year=guideline.fiscal_year, guideline=guideline, held_on=held_on,
            lead=lead, attendees="チーフコーディネーター、実施機関、全国本部", status="published",
            notes="デモ用の架空のヒアリング記録です。", finalised_at=timezone.now(),
            published_at=timezone.now())
        strength = rng.choice([2, 3, 3, 3, 4])
        Score.objects.bulk_create(
            Score(hearing=hearing, item=item, updated_by=lead, version=1,
                  level=max(1, min(4, strength + rng.choice([-1, 0, 0, 1]))),
                  evidence="デモ用の根拠メモ")
            for item in items)
        HearingEvent.objects.bulk_create(
            HearingEvent(hearing=hearing, action=action, by=lead)
            for action in ("scheduled", "finalised", "published"))
