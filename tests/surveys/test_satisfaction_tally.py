"""Satisfaction answers per hub, month and overall score (SatisfactionTally, kept by
consultations/tallies.py) equal a recount of the answers after every way they change: given,
edited to another month or score, moved to another hub, deleted, written in bulk (the demo),
rebuilt after a load; and the plan dashboards' monthly satisfaction reads them."""

from datetime import date

import pytest
from django.db.models import Count
from django.db.models.functions import TruncMonth

from consultations.tallies import tallies_rebuild
from evaluation.plans import actuals
from evaluation.surveys.demo_satisfaction import seed_satisfaction
from evaluation.surveys.models import SatisfactionResponse, SatisfactionTally

pytestmark = pytest.mark.django_db


def recounted() -> set[tuple]:
    return set(SatisfactionResponse.objects.order_by().annotate(month=TruncMonth("answered_on"))
               .values_list("hub_id", "month", "overall").annotate(n=Count("*")))


def kept() -> set[tuple]:
    return set(SatisfactionTally.objects.values_list("hub_id", "month", "overall", "answers"))


def _answer(cast, day: date, overall: int, hub=None) -> SatisfactionResponse:
    scores = dict.fromkeys(SatisfactionResponse.QUESTIONS, 3)
    return SatisfactionResponse.objects.create(
        hub=hub or cast.hub, coordinator=cast.coordinator, answered_on=day,
        **{**scores, "overall": overall})


def test_the_tally_follows_every_change_to_the_answers(cast):
    june = _answer(cast, date(2025, 6, 2), 5)
    _answer(cast, date(2025, 6, 30), 5)
    _answer(cast, date(2025, 7, 1), 2)
    assert kept() == recounted() == {(cast.hub.pk, date(2025, 6, 1), 5, 2),
                                     (cast.hub.pk, date(2025, 7, 1), 2, 1)}
    june = SatisfactionResponse.objects.get(pk=june.pk)  # as read by another request
    june.answered_on, june.overall = date(2025, 7, 9), 4  # another month and score
    june.save()
    assert kept() == recounted()
    assert (cast.hub.pk, date(2025, 6, 1), 5, 1) in kept()
    june = SatisfactionResponse.objects.get(pk=june.pk)
    june.hub = cast.other_hub
    june.save()
    assert kept() == recounted()
    assert (cast.other_hub.pk, date(2025, 7, 1), 4, 1) in kept()
    june.delete()
    assert kept() == recounted() == {(cast.hub.pk, date(2025, 6, 1), 5, 1),
                                     (cast.hub.pk, date(2025, 7, 1), 2, 1)}


def test_the_demos_bulk_answers_and_a_rebuild_match_the_recount(cast):
    seed_satisfaction()
    assert kept() == recounted() != set()
    SatisfactionTally.objects.all().delete()  # as rows written past the ORM's save
    tallies_rebuild()
    assert kept() == recounted() != set()


def test_the_dashboards_monthly_satisfaction_equals_the_answers(cast):
    for day, overall in ((date(2025, 4, 3), 5), (date(2025, 4, 28), 3), (date(2025, 4, 30), 4),
                         (date(2026, 3, 31), 1)):
        _answer(cast, day, overall)
    _answer(cast, date(2025, 5, 5), 5, hub=cast.other_hub)
    tally = actuals.tallies(hub_ids=[cast.hub.pk], fiscal_year=2025, today=date(2026, 6, 1))
    assert tally[None].answers == [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert tally[None].satisfied == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    national = actuals.tallies(hub_ids=None, fiscal_year=2025, by_hub=True,
                               today=date(2026, 6, 1))
    assert national[cast.other_hub.pk].answers[1] == national[cast.other_hub.pk].satisfied[1]
    assert national[cast.other_hub.pk].answers[1] == 1
