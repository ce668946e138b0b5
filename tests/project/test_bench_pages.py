"""`make bench` (yorozu/bench/): the pages it times run as many queries on a small national
load as on a larger one, each answering as the bench expects."""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from consultations.models import Case
from consultations.views import PAGE_SIZE
from evaluation.surveys.models import SatisfactionResponse
from hubs.models import SupportAgency
from tests.consultations.factories import ReferralFactory
from yorozu.bench.pages import cast, daily_pages
from yorozu.bench.run import query_count
from yorozu.core import fiscal

# The floor page the bench measures against is in the bench's own address book.
pytestmark = pytest.mark.urls("yorozu.bench.urls")

# The larger load has four times the sessions, clients and cases and a fiscal year more of
# policies, plans and hearings; both have past years, so they differ in amount, not in kind.
SMALL = {"sessions": 1000, "years": 2}
LARGE = {"sessions": 4000, "years": 3}


@dataclass
class Counted:
    queries: dict[str, int]  # per bench page
    tokyo_cases: int  # the bench's case list is Tokyo's
    tokyo_answers: int  # satisfaction answers this fiscal year


def _counted(size: dict) -> Counted:
    """Each bench page's queries on a seed_scale load of `size`, rolled back afterwards
    (query_count fails on a page that answers otherwise than the bench expects)."""
    User = get_user_model()
    with transaction.atomic():
        call_command("seed_scale", **size, seed=7, stdout=StringIO())
        people = cast()
        # An open referral of Tokyo's on both loads: whether the seed leaves one open depends
        # on today's date, and an empty list costs fewer queries than a page of them.
        ReferralFactory(hub=people["hub"], case=people["saved_to"],
                        agency=SupportAgency.objects.filter(hub=people["hub"]).first())
        counted = Counted(
            queries={page.name: query_count(page, User.objects.get(email=page.user))
                     for page in daily_pages(people)},
            tokyo_cases=Case.objects.filter(hub=people["hub"]).count(),
            tokyo_answers=SatisfactionResponse.objects.filter(
                hub=people["hub"], answered_on__gte=fiscal.fiscal_year_start(
                    fiscal.current_fiscal_year())).count())
        transaction.set_rollback(True)
    return counted


# One test for both loads: split into a test per page, the loads would be repeated on every
# xdist worker that ran one of them.
@pytest.mark.long
def test_every_bench_page_runs_as_many_queries_on_a_load_four_times_larger(db, settings):
    # Below the anonymity minimum a hub's comments are withheld unread (one query fewer), as
    # at a small load; at national scale Tokyo is far above it. The loads compare the page
    # that shows them.
    settings.SATISFACTION_MIN_ANSWERS = 1
    small, large = _counted(SMALL), _counted(LARGE)
    # The sizes mean something: Tokyo's case list fits one page, then runs past it; both
    # loads have answers to show.
    assert small.tokyo_cases <= PAGE_SIZE < large.tokyo_cases
    assert small.tokyo_answers >= 1
    assert small.queries.keys() == large.queries.keys()
    grown = {name: f"{small.queries[name]} -> {large.queries[name]}" for name in small.queries
             if small.queries[name] != large.queries[name]}
    assert not grown, f"queries on the small load -> on the larger load: {grown}"
