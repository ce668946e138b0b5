"""Demo satisfaction answers for the four demo hubs: for each coordinator and chief
coordinator in term, answers over the previous and the current fiscal year up to yesterday,
mostly satisfied with some spread, a few with comments; and invitations for some of the cases
that ended, sent and partly answered. Fictional.

Deterministic (one random.Random per hub, with a fixed seed) and idempotent: a hub that has any
answer gets no more answers, and one that has any invitation no more invitations. Written with
bulk_create, which sends no signal: the demo emails nobody."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from consultations.models import Case
from consultations.tallies import tallies_refresh
from hubs.models import Appointment, Hub
from hubs.roles import Role
from yorozu.core import fiscal
from yorozu.core.links import token_hash

from . import links
from .models import SatisfactionInvitation, SatisfactionResponse
from .satisfaction import TALLY

SEED = "yorozu-demo-satisfaction-v1"
DEMO_HUB_CODES = ("13", "04", "27", "40")
TOKYO = ZoneInfo("Asia/Tokyo")
# Weights of the answers 5, 4, 3, 2, 1 for a coordinator's "style": most are well rated.
PROFILES = [(45, 38, 12, 4, 1), (30, 45, 18, 5, 2), (20, 40, 28, 9, 3)]
COMMENTS = [
    "親身になって話を聞いていただき、気持ちが楽になりました。",
    "販路開拓の具体的な進め方が分かり、すぐに取り組めました。",
    "補助金の申請書の書き方まで丁寧に助言いただき、助かりました。",
    "相談の予約がなかなか取れなかったので、もう少し早く対応していただけると嬉しいです。",
    "専門家の方を紹介していただき、資金繰りの見通しが立ちました。",
    "オンラインで相談できたので、移動の時間がかからず便利でした。",
    "事業承継について、何から始めればよいか整理できました。",
    "提案内容がやや一般的に感じました。業界の事情をもう少し踏まえてほしかったです。",
    "価格の見直しについて、数字を使って説明していただき納得できました。",
    "知り合いの経営者にも紹介したいと思います。",
]
ANSWERS_PER_YEAR = (6, 16)  # per coordinator, before the current year is cut at today
INVITATIONS_PER_HUB = 8


def _score(rng: random.Random, profile, shift: int = 0) -> int:
    value = rng.choices([5, 4, 3, 2, 1], weights=profile)[0] + shift
    return max(1, min(5, value))


def _staff(hub: Hub, today) -> list:
    rows = (Appointment.objects.active(today)
            .filter(hub=hub, role__in=[Role.COORDINATOR, Role.CHIEF])
            .select_related("user").order_by("user__email"))
    return list({row.user.pk: row.user for row in rows}.values())


def _answers(hub: Hub, staff: list, rng: random.Random, today) -> list[SatisfactionResponse]:
    current = fiscal.fiscal_year_of(today)
    found = []
    for user in staff:
        profile = rng.choice(PROFILES)
        for year in (current - 1, current):
            start = fiscal.fiscal_year_start(year)
            last = min(fiscal.fiscal_year_end(year), today - timedelta(days=1))
            if last < start:
                continue
            span = (fiscal.fiscal_year_end(year) - start).days + 1
            n = rng.randint(*ANSWERS_PER_YEAR) * ((last - start).days + 1) // span
            for _ in range(n):
                overall = _score(rng, profile)
                found.append(SatisfactionResponse(
                    hub=hub, coordinator=user,
                    answered_on=start + timedelta(days=rng.randint(0, (last - start).days)),
                    overall=overall,
                    understanding=_score(rng, profile, shift=overall >= 4),
                    usefulness=overall if rng.random() < 0.6 else _score(rng, profile),
                    speed=_score(rng, profile), recommend=overall if rng.random() < 0.7
                    else _score(rng, profile),
                    comment=rng.choice(COMMENTS) if rng.random() < 0.25 else ""))
    return found


def _invitations(hub: Hub, rng: random.Random, today) -> list[SatisfactionInvitation]:
    """Invitations for some recently ended cases of consenting clients with an email."""
    cases = list(Case.objects.filter(hub=hub, closed_on__isnull=False,
                                     closed_on__lt=today, client__survey_consent=True)
                 .exclude(client__email="").filter(satisfaction_invitation__isnull=True)
                 .select_related("client").order_by("-closed_on", "pk")[:INVITATIONS_PER_HUB])
    found = []
    for case in cases:
        sent = datetime.combine(case.closed_on + timedelta(days=1), time(9, 0), tzinfo=TOKYO)
        opened = sent + timedelta(hours=rng.randint(2, 72)) if rng.random() < 0.6 else None
        found.append(SatisfactionInvitation(
            hub=hub, case=case, coordinator_id=case.lead_id, email=case.client.email,
            sent_at=sent, expires_at=sent + timedelta(days=settings.SURVEY_LINK_DAYS),
            opened_at=opened, answered_at=opened + timedelta(minutes=3) if opened else None))
    return found


@transaction.atomic
def seed_satisfaction(today=None) -> dict[str, int]:
    """Adds demo answers and invitations where a demo hub has none. Returns how many hubs got
    answers now ("added") and how many answers and invitations the demo hubs hold."""
    today = today or fiscal.today()
    hubs = list(Hub.objects.filter(jis_code__in=DEMO_HUB_CODES).order_by("jis_code"))
    added = 0
    for hub in hubs:
        rng = random.Random(f"{SEED}:{hub.jis_code}")
        if not SatisfactionResponse.objects.filter(hub=hub).exists():
            made = SatisfactionResponse.objects.bulk_create(
                _answers(hub, _staff(hub, today), rng, today), batch_size=500)
            # Written past the ORM's save: their months recounted.
            tallies_refresh(TALLY, months=[(hub.pk, answer.answered_on) for answer in made])
            added += bool(made)
        if not SatisfactionInvitation.objects.filter(hub=hub).exists():
            _sign(SatisfactionInvitation.objects.bulk_create(_invitations(hub, rng, today)))
    return {"added": added,
            "responses": SatisfactionResponse.objects.filter(hub__in=hubs).count(),
            "invitations": SatisfactionInvitation.objects.filter(hub__in=hubs).count()}


def _sign(invitations: list[SatisfactionInvitation]) -> None:
    """Stores each link's hash, as a real send does (the links themselves go nowhere)."""
    for invitation in invitations:
        invitation.token_hash = token_hash(links.token_for(invitation))
    SatisfactionInvitation.objects.bulk_update(invitations, ["token_hash"], batch_size=500)
