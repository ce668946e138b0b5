"""Demo client outcomes for the four demo hubs: financial figures for a period before each
chosen client's first consultation and for the periods after it up to today, and milestones
credited to their cases, most of them confirmed. Fictional figures, in thousands of yen.

Tokyo, Miyagi and Fukuoka give figures for about half their clients, so their value-added
figures show; Osaka for only three clients a year, so its figure is withheld as too few (and
with it, beside the nation, its bureau's). Per coordinator some rows fall under the minimum too.

Deterministic (one random.Random per hub, with a fixed seed) and idempotent: a hub that has
any snapshot or milestone is left alone. Written with bulk_create and a history record each."""

import random
from datetime import date, timedelta

from django.db import transaction

from consultations.history import history_insert
from consultations.models import Case, Client
from hubs.models import Hub
from yorozu.core import fiscal

from .models import FinancialSnapshot, Milestone

SEED = "yorozu-demo-outcomes-v1"
DEMO_HUB_CODES = ("13", "04", "27", "40")
SPARSE_HUBS = {"27": 3}  # hub: clients with figures per cohort year (else about half)
SHARE_WITH_FIGURES = 0.5
PERIOD_END_MONTHS = [3, 3, 3, 3, 6, 9, 12]  # most Japanese firms close in March
SOURCES = [FinancialSnapshot.Source.STATEMENTS] * 3 + [FinancialSnapshot.Source.TAX_RETURN,
                                                       FinancialSnapshot.Source.HEARING]
MILESTONES = {
    Milestone.Kind.NEW_PRODUCT: "地元食材を使った新商品を開発し、販売を開始した。",
    Milestone.Kind.NEW_MARKET: "ECサイトを開設し、県外の顧客との取引が始まった。",
    Milestone.Kind.FINANCING: "日本政策金融公庫の融資を受け、設備を更新した。",
    Milestone.Kind.SUCCESSION: "後継者への事業承継計画を策定し、代表者を交代した。",
    Milestone.Kind.STARTUP: "開業届を提出し、店舗での営業を始めた。",
}


def _period_ends(month: int, *, after: date, until: date) -> list[date]:
    """The ends of a firm's fiscal periods closing in `month`: the last one on or before
    `after` (the baseline) and every one after it up to `until`."""
    ends, year = [], after.year + 1
    while True:
        end = _month_end(year, month)
        if end <= after:
            break
        year -= 1
    ends.append(end)
    year = end.year + 1
    while (end := _month_end(year, month)) <= until:
        ends.append(end)
        year += 1
    return ends


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def _snapshots(client: Client, rng: random.Random, until: date) -> list[FinancialSnapshot]:
    ends = _period_ends(rng.choice(PERIOD_END_MONTHS), after=client.first_session_on,
                        until=until)
    people = rng.randint(2, 40)
    personnel = people * rng.randint(3_500, 5_500)
    sales = personnel * rng.randint(3, 8)
    profit = int(sales * rng.uniform(-0.04, 0.06))
    depreciation = int(sales * rng.uniform(0.005, 0.03))
    trend = rng.choice([-0.04, 0.0, 0.03, 0.05, 0.08, 0.12])
    found = []
    for i, end in enumerate(ends):
        grow = (1 + trend) ** i * rng.uniform(0.97, 1.03)
        found.append(FinancialSnapshot(
            hub_id=client.hub_id, client=client, period_end=end, sales=int(sales * grow),
            operating_profit=int(profit * grow + sales * trend * i * 0.02),
            personnel_costs=int(personnel * grow), depreciation=depreciation,
            employees=max(1, people + round(people * trend * i)),
            source=rng.choice(SOURCES)))
    return found


def _milestone(case: Case, rng: random.Random, today: date) -> Milestone | None:
    last = today - timedelta(days=1)
    start = case.first_session_on or case.opened_on
    if start >= last:
        return None
    achieved = start + timedelta(days=rng.randint(1, min(300, (last - start).days)))
    kind = rng.choice(list(MILESTONES))
    confirmed = achieved + timedelta(days=rng.randint(1, 30))
    confirmed = confirmed if rng.random() < 0.8 and confirmed <= last else None
    return Milestone(
        hub_id=case.hub_id, client_id=case.client_id, case=case, kind=kind, achieved_on=achieved,
        description=MILESTONES[kind], confirmed_on=confirmed,
        confirmation=rng.choice(list(Milestone.Confirmation)) if confirmed else "",
        confirmation_recorded_by_id=case.lead_id if confirmed else None,
        created_by_id=case.lead_id)


def _chosen(hub: Hub, rng: random.Random) -> list[Client]:
    clients = list(Client.objects.filter(hub=hub, first_session_on__isnull=False)
                   .order_by("first_session_on", "pk"))
    per_year = SPARSE_HUBS.get(hub.jis_code)
    if per_year is None:
        return [c for c in clients if rng.random() < SHARE_WITH_FIGURES]
    by_year: dict[int, list[Client]] = {}
    for client in clients:
        by_year.setdefault(fiscal.fiscal_year_of(client.first_session_on), []).append(client)
    return [c for year in sorted(by_year) for c in rng.sample(by_year[year],
                                                              min(per_year,
                                                                  len(by_year[year])))]


def _seed_hub(hub: Hub, today: date) -> None:
    rng = random.Random(f"{SEED}:{hub.jis_code}")
    chosen = _chosen(hub, rng)
    snapshots = [s for client in chosen for s in _snapshots(client, rng, today)]
    FinancialSnapshot.objects.bulk_create(snapshots, batch_size=500)
    history_insert(FinancialSnapshot, snapshots, by=None)
    cases = (Case.objects.filter(client__in=[c.pk for c in chosen])
             .order_by("client_id", "opened_on", "pk"))
    first_cases = list({case.client_id: case for case in reversed(list(cases))}.values())
    found = [_milestone(case, rng, today) for case in first_cases if rng.random() < 0.3]
    milestones = [m for m in found if m is not None]
    Milestone.objects.bulk_create(milestones, batch_size=500)
    history_insert(Milestone, milestones, by=None)


@transaction.atomic
def seed_outcomes(today: date | None = None) -> dict[str, int]:
    """Adds demo outcomes where a demo hub has none. Returns how many snapshots and confirmed
    milestones the demo hubs hold afterwards."""
    today = today or fiscal.today()
    hubs = list(Hub.objects.filter(jis_code__in=DEMO_HUB_CODES).order_by("jis_code"))
    for hub in hubs:
        if not (FinancialSnapshot.objects.filter(hub=hub).exists()
                or Milestone.objects.filter(hub=hub).exists()):
            _seed_hub(hub, today)
    return {"snapshots": FinancialSnapshot.objects.filter(hub__in=hubs).count(),
            "milestones": Milestone.objects.filter(hub__in=hubs,
                                                   confirmed_on__isnull=False).count()}
