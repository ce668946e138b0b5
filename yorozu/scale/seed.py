"""seed_scale's plan: how the network's activity divides among the 47 hubs, and the load
itself, hub by hub (one hub's rows in memory at a time)."""

import time as clock
from dataclasses import dataclass

from django.db import transaction

from consultations.models import (
    Case,
    CaseTally,
    CaseTopic,
    Client,
    ClientTally,
    Industry,
    Referral,
    ReferralTally,
    Session,
    SessionTally,
    SessionTopicTally,
    Topic,
)
from consultations.summaries import summaries_rebuild
from consultations.tallies import tallies_rebuild
from evaluation.surveys.models import SatisfactionResponse, SatisfactionTally
from hubs.models import Hub
from yorozu.core import fiscal

from . import activity
from .bulk import Writer
from .evaluation import seed_evaluation
from .people import coordinator_count, seed_people

# Population of each prefecture in 10,000s (2020 census), for the hubs' shares of activity.
POPULATION = {
    "01": 522, "02": 124, "03": 121, "04": 230, "05": 96, "06": 107, "07": 183, "08": 287,
    "09": 193, "10": 194, "11": 734, "12": 628, "13": 1405, "14": 924, "15": 220, "16": 103,
    "17": 113, "18": 77, "19": 81, "20": 205, "21": 198, "22": 363, "23": 754, "24": 177,
    "25": 141, "26": 258, "27": 884, "28": 547, "29": 132, "30": 92, "31": 55, "32": 67,
    "33": 189, "34": 280, "35": 134, "36": 72, "37": 95, "38": 133, "39": 69, "40": 514,
    "41": 81, "42": 131, "43": 174, "44": 112, "45": 107, "46": 159, "47": 147,
}
# Every hub has a floor of activity whatever its size: a share is 60 % population, 40 % even
# (Tokyo about 7.5 % of the nation, Tottori about 1.1 %).
POPULATION_PART = 0.6


@dataclass(frozen=True)
class Sizes:
    sessions: int
    clients: int
    cases: int
    coordinators: int
    years: int

    @classmethod
    def for_sessions(cls, sessions: int, *, years: int = 10) -> "Sizes":
        """The proportions of the landed network: 5 million sessions come with about 410,000
        clients and 1.28 million cases."""
        clients = max(47, round(sessions * 0.082))
        cases = max(clients, round(sessions * 0.256))
        return cls(sessions=max(cases, sessions), clients=clients, cases=cases,
                   coordinators=coordinator_count(sessions), years=years)


def shares(total: int, codes: list[str]) -> dict[str, int]:
    """`total` divided among the hubs by weight, at least one each, summing exactly
    (largest remainder)."""
    population = sum(POPULATION[code] for code in codes)
    weights = {code: POPULATION_PART * POPULATION[code] / population
               + (1 - POPULATION_PART) / len(codes) for code in codes}
    spare = total - len(codes)
    exact = {code: spare * weight for code, weight in weights.items()}
    counts = {code: 1 + int(value) for code, value in exact.items()}
    left = total - sum(counts.values())
    for code in sorted(codes, key=lambda c: exact[c] - int(exact[c]), reverse=True)[:left]:
        counts[code] += 1
    return counts


class AlreadySeeded(Exception):
    pass


def seed_scale(*, sizes: Sizes, seed: int, report=print) -> dict:
    if Session.objects.exists() or Client.objects.exists():
        raise AlreadySeeded("The database already holds consultations: seed_scale loads into "
                            "a freshly migrated database only (its figures must be the seed's).")
    started = clock.monotonic()
    today = fiscal.today()
    first_day = fiscal.fiscal_year_start(fiscal.current_fiscal_year() - sizes.years + 1)
    hubs = list(Hub.objects.order_by("jis_code"))
    codes = [hub.jis_code for hub in hubs]
    with transaction.atomic():
        staff = seed_people(hubs=hubs, shares=shares(sizes.coordinators, codes), seed=seed)
    report(f"staff and agencies: {clock.monotonic() - started:.0f} s")
    topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    industries = list(Industry.objects.order_by("pk").values_list("pk", flat=True))
    writer = Writer()
    ids = {model: writer.next_id(model) for model in (Client, Case, Session, Referral)}
    counts = {name: shares(getattr(sizes, name), codes)
              for name in ("clients", "cases", "sessions")}
    for hub in hubs:
        code = hub.jis_code
        plan = activity.HubPlan(
            hub_id=hub.pk, code=code, clients=counts["clients"][code],
            cases=max(counts["cases"][code], counts["clients"][code]),
            sessions=max(counts["sessions"][code], counts["cases"][code]),
            coordinators=staff[code].coordinators, agencies=staff[code].agencies,
            first_client_id=ids[Client], first_case_id=ids[Case],
            first_session_id=ids[Session], first_referral_id=ids[Referral])
        rows = activity.hub_rows(plan, seed=seed, first_day=first_day, today=today,
                                 topics=topics, industries=industries)
        with transaction.atomic():
            _write(writer, rows)
        ids[Client] += len(rows.clients)
        ids[Case] += len(rows.cases)
        ids[Session] += len(rows.sessions)
        ids[Referral] += len(rows.referrals)
        report(f"{hub.prefecture_ja}: {len(rows.sessions):,} sessions "
               f"({clock.monotonic() - started:.0f} s)")
    writer.finish()
    summaries_rebuild(case_depths=False)  # written with the sessions (activity.py)
    tallies_rebuild()
    report(f"first sessions of every client: {clock.monotonic() - started:.0f} s")
    seed_evaluation(years=sizes.years, sessions_by_hub=counts["sessions"])
    report(f"policies, guidelines, hearings and plans: {clock.monotonic() - started:.0f} s")
    writer.tidy(also=[CaseTally, ClientTally, ReferralTally, SessionTally, SessionTopicTally,
                      SatisfactionTally])
    report(f"vacuumed and analysed: {clock.monotonic() - started:.0f} s")
    return {"seconds": round(clock.monotonic() - started), "rows": dict(writer.written)}


def _write(writer: Writer, rows: activity.HubRows) -> None:
    writer.load(Client, activity.CLIENT_COLUMNS, rows.clients)
    writer.load(Case, activity.CASE_COLUMNS, rows.cases)
    writer.load(CaseTopic, activity.TOPIC_COLUMNS, rows.topics)
    writer.load(Session, activity.SESSION_COLUMNS, rows.sessions)
    writer.load(Session.coordinators.through, activity.COORDINATOR_COLUMNS, rows.coordinators)
    writer.load(Referral, activity.REFERRAL_COLUMNS, rows.referrals)
    writer.load(SatisfactionResponse, activity.ANSWER_COLUMNS, rows.answers)
