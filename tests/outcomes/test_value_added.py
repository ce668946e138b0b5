"""The value-added figure of client outcomes (evaluation/figures.py), computed by hand on a
small hub: which snapshots are a client's baseline and latest, which clients count, the sums,
the rate, per coordinator and per hub and bureau, and what is withheld."""

from datetime import date

from evaluation import figures
from evaluation.outcomes.models import FinancialSnapshot, Milestone, value_added_of
from evaluation.surveys.anonymity import PROTECTS_OTHERS, TOO_FEW
from hubs.models import Hub
from tests.hubs.factories import AppointmentFactory, UserFactory

from .factories import FY2024, MilestoneFactory, figures_of, supported_client


def test_value_added_change_per_hub_is_the_hand_computed_sum(tokyo):
    # Baseline: 6,500 + 3,000 + 2,900 + 1,000 + 1,000 = 14,400.
    # Latest:   8,200 + 3,350 + 2,500 + 1,550 + 1,100 = 16,700.
    # Change: 16,700 - 14,400 = 2,300; rate 2,300 / 14,400 = 15.97...% -> 16.0.
    # Grew: one, two, four and five (three went down).
    figure = figures.value_added_change(hub_ids=[tokyo.hub.pk], **FY2024)
    assert figure == figures.ValueAddedChange(clients=5, baseline=14_400, latest=16_700,
                                              change=2_300, rate=16.0, improved=4)


def test_the_drill_down_lists_the_counted_clients_with_their_own_figures(tokyo):
    rows = figures.value_added_clients(hub_ids=[tokyo.hub.pk], **FY2024).order_by(
        "first_session_on")
    assert [(r.first_session_on, r.baseline_va, r.latest_va, r.change) for r in rows] == [
        (date(2024, 4, 20), 1_000, 1_100, 100),
        (date(2024, 5, 10), 6_500, 8_200, 1_700),
        (date(2024, 7, 1), 3_000, 3_350, 350),
        (date(2024, 9, 15), 2_900, 2_500, -400),
        (date(2024, 11, 1), 1_000, 1_550, 550)]


def test_without_a_period_every_cohort_counts(tokyo):
    # The FY2023 client adds 2,700 - 300 = 2,400 to the change.
    figure = figures.value_added_change(hub_ids=[tokyo.hub.pk])
    assert (figure.clients, figure.baseline, figure.latest) == (6, 14_700, 19_400)


def test_a_period_ending_on_the_first_session_day_is_the_baseline(cast, settings):
    settings.OUTCOME_MIN_CLIENTS = 1
    client = supported_client(cast.hub, cast.coordinator, date(2024, 6, 30))
    figures_of(client, (date(2024, 6, 30), 100, 100, 100), (date(2025, 6, 30), 200, 200, 200))
    figure = figures.value_added_change(hub_ids=[cast.hub.pk])
    assert (figure.baseline, figure.latest) == (300, 600)


def test_per_coordinator_counts_the_clients_of_the_cases_they_lead(tokyo, settings):
    settings.OUTCOME_MIN_CLIENTS = 3
    # a leads one, two and five: 6,500 + 3,000 + 1,000 = 10,500 -> 8,200 + 3,350 + 1,100
    # = 12,650; +2,150 is 20.5% of 10,500; all three grew.
    a = figures.value_added_change(hub_ids=[tokyo.hub.pk], coordinator=tokyo.coordinator,
                                   **FY2024)
    assert a == figures.ValueAddedChange(clients=3, baseline=10_500, latest=12_650,
                                         change=2_150, rate=20.5, improved=3)
    # b leads three, four and five (five has a case with each): 2,900 + 1,000 + 1,000 =
    # 4,900 -> 2,500 + 1,550 + 1,100 = 5,150; +250 is 5.1%; four and five grew.
    grouped = figures.value_added_cells(
        figures.value_added_grouped(group="coordinator", hub_ids=[tokyo.hub.pk], **FY2024),
        total=5)
    assert grouped == {
        tokyo.coordinator.pk: a,
        tokyo.chief.pk: figures.ValueAddedChange(clients=3, baseline=4_900, latest=5_150,
                                                 change=250, rate=5.1, improved=2)}


def test_fewer_clients_than_the_minimum_withhold_the_figure(tokyo):
    coordinator = figures.value_added_change(hub_ids=[tokyo.hub.pk],
                                             coordinator=tokyo.coordinator, **FY2024)
    assert coordinator == figures.ValueAddedChange(clients=3, withheld=True,
                                                   withheld_reason=TOO_FEW)
    grouped = figures.value_added_cells(
        figures.value_added_grouped(group="coordinator", hub_ids=[tokyo.hub.pk], **FY2024),
        total=5)
    assert {f.withheld_reason for f in grouped.values()} == {TOO_FEW}
    assert all(f.baseline is None and f.improved is None for f in grouped.values())


def test_the_minimum_comes_from_the_settings(tokyo, settings):
    settings.OUTCOME_MIN_CLIENTS = 6
    assert figures.value_added_change(hub_ids=[tokyo.hub.pk], **FY2024).withheld


def test_a_hub_shown_beside_a_small_one_is_withheld_too_so_their_bureau_gives_nothing_away(
        tokyo):
    saitama = Hub.objects.get(jis_code="11")  # Kanto, like Tokyo
    lead = UserFactory()
    AppointmentFactory(user=lead, role="coordinator", hub=saitama)
    for day in (date(2024, 6, 1), date(2024, 7, 1)):
        figures_of(supported_client(saitama, lead, day), (date(2024, 3, 31), 1, 1, 1),
                   (date(2025, 3, 31), 2, 2, 2))
    kanto = [tokyo.hub.pk, saitama.pk]
    cells = figures.value_added_cells(figures.value_added_grouped(group="hub", hub_ids=kanto,
                                                                  **FY2024))
    # Saitama's 2 are too few; Kanto's 7 minus Tokyo's 5 would give them away.
    assert cells[saitama.pk].withheld_reason == TOO_FEW
    assert cells[tokyo.hub.pk].withheld_reason == PROTECTS_OTHERS
    assert cells[tokyo.hub.pk].clients == 5 and cells[tokyo.hub.pk].change is None
    bureaus = figures.value_added_grouped(group="bureau", hub_ids=kanto, **FY2024)
    kanto_total = figures.value_added_figure(bureaus[tokyo.hub.bureau_id])
    # 14,400 + 2 x 3 = 14,406 -> 16,700 + 2 x 6 = 16,712.
    assert (kanto_total.clients, kanto_total.baseline, kanto_total.latest) == (7, 14_406,
                                                                              16_712)


def test_the_rate_is_none_unless_the_baseline_sum_is_above_zero(cast, settings):
    settings.OUTCOME_MIN_CLIENTS = 1
    client = supported_client(cast.hub, cast.coordinator, date(2024, 6, 1))
    figures_of(client, (date(2024, 3, 31), -5_000, 3_000, 0), (date(2025, 3, 31), 0, 3_000, 0))
    figure = figures.value_added_change(hub_ids=[cast.hub.pk])
    assert (figure.baseline, figure.latest, figure.change, figure.rate) == (-2_000, 3_000,
                                                                           5_000, None)


def test_no_clients_is_nothing_to_show_not_withheld(cast):
    assert figures.value_added_change(hub_ids=[cast.hub.pk]) == figures.ValueAddedChange(
        clients=0)


def test_value_added_is_defined_once_for_the_model_and_the_database(cast):
    client = supported_client(cast.hub, cast.coordinator, date(2024, 6, 1))
    snapshot, = figures_of(client, (date(2024, 3, 31), -300, 2_000, 150))
    stored = FinancialSnapshot.objects.annotate(va=value_added_of()).get(pk=snapshot.pk).va
    assert snapshot.value_added == stored == 1_850


def test_milestones_achieved_are_the_confirmed_ones_of_the_period(cast):
    case = supported_client(cast.hub, cast.coordinator, date(2024, 6, 1)).cases.get()
    counted = MilestoneFactory(case=case, achieved_on=date(2025, 5, 1))
    MilestoneFactory(case=case, achieved_on=date(2025, 5, 2), kind=Milestone.Kind.FINANCING)
    MilestoneFactory(case=case, achieved_on=date(2025, 5, 3), confirmed_on=None,
                     confirmation="")  # the hub's claim only
    MilestoneFactory(case=case, achieved_on=date(2025, 3, 31))  # the year before
    other = supported_client(cast.other_hub, cast.outsider, date(2024, 6, 1)).cases.get()
    MilestoneFactory(case=other, achieved_on=date(2025, 5, 1))
    period = {"start": date(2025, 4, 1), "end": date(2026, 3, 31), "hub_ids": [cast.hub.pk]}
    assert figures.milestones_achieved(**period).count() == 2
    assert list(figures.milestones_achieved(**period, kind=Milestone.Kind.NEW_MARKET)) == [
        counted]
