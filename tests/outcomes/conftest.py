"""The outcome tests' shared records: Tokyo's clients first consulted in FY2024, with their
figures before and after (tests/outcomes/test_value_added.py computes the figure by hand)."""

from datetime import date

import pytest

from tests.consultations.factories import ClientFactory

from .factories import figures_of, supported_client


@pytest.fixture
def tokyo(cast):
    """Tokyo's clients first consulted in FY2024, and some that the figure must leave out.
    Each snapshot: (period end, operating profit, personnel costs, depreciation)."""
    hub, a, b = cast.hub, cast.coordinator, cast.chief
    one = supported_client(hub, a, date(2024, 5, 10))
    figures_of(one, (date(2023, 3, 31), 900, 4_000, 400),  # older than the baseline
               (date(2024, 3, 31), 1_000, 5_000, 500),  # baseline: 6,500
               (date(2025, 3, 31), 1_500, 5_200, 600),
               (date(2026, 3, 31), 2_000, 5_500, 700))  # latest: 8,200
    two = supported_client(hub, a, date(2024, 7, 1))
    figures_of(two, (date(2024, 6, 30), -200, 3_000, 200),  # a loss: 3,000
               (date(2025, 6, 30), 100, 3_100, 150))  # 3,350
    three = supported_client(hub, b, date(2024, 9, 15))
    figures_of(three, (date(2023, 12, 31), 800, 2_000, 100),  # 2,900
               (date(2025, 12, 31), 500, 1_900, 100))  # 2,500: went down
    four = supported_client(hub, b, date(2024, 11, 1))
    figures_of(four, (date(2024, 3, 31), 0, 1_000, 0),  # 1,000
               (date(2025, 3, 31), 300, 1_200, 50))  # 1,550
    five = supported_client(hub, a, date(2024, 4, 20))  # and a later case led by b
    supported_client(hub, b, date(2024, 8, 1), client=five)
    figures_of(five, (date(2024, 3, 31), 400, 600, 0),  # 1,000
               (date(2025, 3, 31), 450, 600, 50))  # 1,100
    # Left out: no figures after the first session; none before it; another year's cohort;
    # no session at all; another hub's client.
    figures_of(supported_client(hub, a, date(2024, 5, 1)), (date(2024, 3, 31), 1, 1, 1))
    figures_of(supported_client(hub, b, date(2024, 6, 1)), (date(2025, 3, 31), 1, 1, 1))
    earlier = supported_client(hub, a, date(2023, 5, 1))
    figures_of(earlier, (date(2023, 3, 31), 100, 100, 100), (date(2024, 3, 31), 900, 900, 900))
    figures_of(ClientFactory(hub=hub), (date(2024, 3, 31), 1, 1, 1), (date(2025, 3, 31), 2, 2, 2))
    figures_of(supported_client(cast.other_hub, cast.outsider, date(2024, 6, 1)),
               (date(2024, 3, 31), 10, 10, 10), (date(2025, 3, 31), 90, 90, 90))
    return cast
