"""The demo seeded on days early in a fiscal year (each seeds its own, on its own day)."""

from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from consultations.models import Session
from tests.project.test_seed_demo import TOKYO, assert_consistent_activity
from yorozu.core import fiscal


@pytest.mark.parametrize("moment", [
    datetime(2027, 4, 1, 8, 0, tzinfo=TOKYO),  # the first morning of a fiscal year
    datetime(2027, 4, 5, 9, 0, tzinfo=TOKYO),  # a Monday
])
def test_seed_demo_activity_early_in_a_fiscal_year(db, moment):
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", stdout=StringIO())
        assert_consistent_activity(moment.date())
        # The previous fiscal year is the whole of it, and nothing comes before it.
        assert not Session.objects.filter(held_on__lt=fiscal.fiscal_year_start(2026)).exists()
        assert Session.objects.filter(held_on__lt=datetime(2026, 4, 8).date()).exists()
        assert Session.objects.filter(held_on__gt=datetime(2027, 3, 24).date()).exists()
