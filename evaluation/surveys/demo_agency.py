"""Demo support-agency surveys: for the Tokyo and Osaka demo hubs, last fiscal year's closed
campaign and this year's open one, with invitations (most sent, one that could not be sent)
and enough answers to show results. No email is sent. Needs hubs.demo.seed_demo first (its
agencies and implementing-organization users); idempotent: a hub's survey of a year that
already exists is left alone."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from hubs.demo import DOMAIN
from hubs.models import Hub, SupportAgency
from yorozu.core import fiscal

from .agency import default_title
from .models import AgencyInvitation, AgencyResponse, AgencySurvey

TOKYO = ZoneInfo("Asia/Tokyo")
SEED = "yorozu-demo-agency-survey-v1"
DEMO_HUBS = (("13", "tokyo"), ("27", "osaka"))
MESSAGE = ("当拠点との連携状況について、率直なご意見をお聞かせください。いただいたご意見は、"
           "来年度の事業計画と支援機関連携の改善に活用いたします。")
REQUESTS = [
    "紹介した事業者のその後の支援状況を、定期的に共有していただけると助かります。",
    "金融機関向けに、拠点の支援メニューの説明会を開いていただきたいです。",
    "予約が取りにくい時期があるので、出張相談の回数を増やしてほしいです。",
    "事業承継の案件で、早い段階から一緒に支援に入っていただけるとありがたいです。",
    "",
    "相談の受付窓口と担当コーディネーターの連絡先を一覧にしていただけると便利です。",
]
GOOD_PRACTICE = [
    "販路開拓の相談で、拠点と当会の経営指導員が同席し、短期間で商談につながりました。",
    "資金繰りの相談を拠点から紹介いただき、保証付き融資と経営改善計画を並行して進められました。",
    "",
    "IT導入の相談会を共催し、参加した事業者の多くがその後も個別相談を続けています。",
    "創業セミナーの後、拠点の個別相談につないでいただき、創業者の定着率が上がりました。",
]


@transaction.atomic
def seed_agency_surveys() -> dict[str, int]:
    """Returns how many surveys and answers were added now (0 on a second run)."""
    year = fiscal.current_fiscal_year()
    added = {"surveys": 0, "responses": 0}
    for jis, slug in DEMO_HUBS:
        hub = Hub.objects.get(jis_code=jis)
        agencies = list(SupportAgency.objects.filter(hub=hub, is_active=True)
                        .exclude(email="").order_by("pk"))
        by = get_user_model().objects.filter(email=f"org.{slug}@{DOMAIN}").first()
        if not agencies or by is None:
            continue  # hubs.demo has not run
        rng = random.Random(f"{SEED}:{jis}")
        for fiscal_year, closed in ((year - 1, True), (year, False)):
            if AgencySurvey.objects.filter(hub=hub, fiscal_year=fiscal_year).exists():
                continue
            answers = _seed_survey(hub, by, agencies, rng, fiscal_year=fiscal_year,
                                   closed=closed)
            added["surveys"] += 1
            added["responses"] += answers
    return added


def _moment(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TOKYO)


def _seed_survey(hub, by, agencies, rng, *, fiscal_year: int, closed: bool) -> int:
    today = fiscal.today()
    opened_on = (fiscal.fiscal_year_start(fiscal_year) + timedelta(days=200) if closed
                 else max(fiscal.fiscal_year_start(fiscal_year), today - timedelta(days=10)))
    deadline = opened_on + timedelta(days=21)
    survey = AgencySurvey.objects.create(
        hub=hub, fiscal_year=fiscal_year, title=default_title(fiscal_year), message=MESSAGE,
        deadline=deadline, created_by=by, opened_at=_moment(opened_on, 10),
        status=AgencySurvey.Status.CLOSED if closed else AgencySurvey.Status.OPEN,
        closed_at=_moment(deadline + timedelta(days=7), 9) if closed else None,
        reminders_sent=1 if closed else 0,
        last_reminded_on=deadline - timedelta(days=7) if closed else None)
    # This year: the last agency's address bounced; about two thirds have answered so far.
    answering = len(agencies) - 1 if closed else max(3, len(agencies) * 2 // 3)
    invitations, responses = [], []
    for index, agency in enumerate(agencies):
        bounced = not closed and index == len(agencies) - 1
        answered_on = opened_on + timedelta(days=rng.randint(1, 9))
        answered = index < answering and not bounced and (closed or answered_on <= today)
        invitations.append(AgencyInvitation(
            survey=survey, agency=agency, email=agency.email,
            sent_at=None if bounced else _moment(opened_on, 10),
            send_attempts=3 if bounced else 0,
            send_error="550 5.1.1 宛先のメールアドレスが見つかりません" if bounced else "",
            expires_at=_moment(deadline + timedelta(days=30), 10),
            opened_at=_moment(answered_on, 14) if answered else None,
            answered_at=_moment(answered_on, 14) if answered else None,
            reminders_sent=1 if closed and index >= 3 else 0))
        if answered:
            responses.append(_response(survey, agency, answered_on, rng))
    AgencyInvitation.objects.bulk_create(invitations)
    AgencyResponse.objects.bulk_create(responses)
    return len(responses)


def _response(survey, agency, answered_on, rng) -> AgencyResponse:
    return AgencyResponse(
        survey=survey, agency_kind=agency.kind, answered_on=answered_on,
        collaboration=rng.choice([3, 4, 4, 5]), usefulness=rng.choice([3, 4, 5, 5]),
        referrals=rng.choice([2, 3, 4, 4]), accessibility=rng.choice([3, 3, 4, 5]),
        requests=rng.choice(REQUESTS), good_practice=rng.choice(GOOD_PRACTICE))
