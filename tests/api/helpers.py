"""Shared by the API and feed tests: a token per user, and a published hearing."""

from django.utils import timezone

from evaluation.models import Hearing, Score
from tests.evaluation.factories import ItemFactory
from yorozu.api import tokens
from yorozu.core import fiscal


def api_get(client, user, url, **extra):
    """GET as `user` through their API token (none for None)."""
    headers = {}
    if user is not None:
        token = tokens.token_issue(user=user, purpose="api")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(url, **headers, **extra)


def published_hearing(hub, lead, *, level=3, status=Hearing.Status.PUBLISHED) -> Hearing:
    """A hearing of this fiscal year with one scored item, in `status`."""
    item = (ItemFactory._meta.model.objects.filter(
        area__guideline__fiscal_year=fiscal.current_fiscal_year()).first() or ItemFactory())
    hearing = Hearing.objects.create(
        hub=hub, fiscal_year=fiscal.current_fiscal_year(), guideline=item.area.guideline,
        held_on=fiscal.today(), lead=lead, status=status, notes="所見：山田太郎さんの説明",
        published_at=timezone.now() if status == Hearing.Status.PUBLISHED else None)
    Score.objects.create(hearing=hearing, item=item, level=level, evidence="証拠メモ",
                         updated_by=lead)
    return hearing
