"""The bench's and the load run's timed saves are undone before and after each run
(yorozu/bench/pages.py, saves_undo), so that repeated runs time the same save; the figures
kept with the sessions follow the deletions."""

from django.db.models import Sum

from consultations.models import SessionTally
from tests.consultations.factories import CaseFactory, SessionFactory
from yorozu.bench.pages import SUMMARY, saves_undo


def test_the_timed_saves_are_undone_and_the_kept_figures_follow(cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator)
    kept = SessionFactory(hub=cast.hub, case=case)
    for _ in range(2):
        SessionFactory(hub=cast.hub, case=case, summary=SUMMARY)
    case.refresh_from_db()
    assert case.session_count == 3

    assert saves_undo() == 2
    case.refresh_from_db()
    assert list(case.sessions.all()) == [kept]
    assert case.session_count == 1
    assert SessionTally.objects.filter(hub=cast.hub).aggregate(n=Sum("sessions"))["n"] == 1
    assert saves_undo() == 0
