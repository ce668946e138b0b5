"""Ten fiscal years of consultation activity for one hub, as rows for yorozu/scale/bulk.py:
clients, their cases (topics, lead, depth, status), sessions (channel, coordinators, next
steps), referrals to the hub's agencies and satisfaction answers. Deterministic: one random
generator per hub, seeded from the run's seed and the hub's code."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from consultations.models import Case, Client, Referral, Session
from consultations.validators import client_name_key

TOKYO = ZoneInfo("Asia/Tokyo")
NAME_HEAD = [("山田", "ヤマダ"), ("青葉", "アオバ"), ("丸正", "マルショウ"), ("大和", "ヤマト"),
             ("北斗", "ホクト"), ("旭", "アサヒ"), ("富士", "フジ"), ("東洋", "トウヨウ"),
             ("みなと", "ミナト"), ("さくら", "サクラ"), ("松葉", "マツバ"), ("日の出", "ヒノデ"),
             ("光陽", "コウヨウ"), ("新栄", "シンエイ"), ("協和", "キョウワ"),
             ("中央", "チュウオウ")]
NAME_TAIL = [("製作所", "セイサクショ"), ("商店", "ショウテン"), ("工業", "コウギョウ"),
             ("食品", "ショクヒン"), ("建設", "ケンセツ"), ("印刷", "インサツ"),
             ("電機", "デンキ"), ("農園", "ノウエン"), ("酒造", "シュゾウ"), ("物産", "ブッサン"),
             ("デザイン", "デザイン"), ("運輸", "ウンユ")]
FORMS = [(Client.Kind.CORPORATION, "株式会社"), (Client.Kind.CORPORATION, "有限会社"),
         (Client.Kind.SOLE, ""), (Client.Kind.STARTUP, "")]
CHANNELS = [Session.Channel.VISIT, Session.Channel.ONLINE, Session.Channel.PHONE,
            Session.Channel.OUTREACH, Session.Channel.EMAIL]
CHANNEL_WEIGHTS = [45, 25, 15, 10, 5]
DEPTHS = [Case.Depth.EXPERT, Case.Depth.POLICY, Case.Depth.REFERRAL]
DEPTH_WEIGHTS = [60, 25, 15]
SUMMARIES = ["販路開拓について相談。展示会出展の準備を確認した。",
             "資金繰りの見通しを整理し、制度融資の活用を検討した。",
             "新商品の価格設定とパッケージについて助言した。",
             "事業承継の進め方と後継者との役割分担を整理した。",
             "ホームページとSNSでの情報発信の改善点を確認した。",
             "補助金申請に向けて事業計画書の骨子を作成した。"]
SCORES = [5, 4, 3, 2, 1]
SCORE_WEIGHTS = [40, 35, 15, 7, 3]
QUIET_DAYS = 120  # a case without a session for this long has ended
REFERRAL_SHARE = 0.08
ANSWER_SHARE = 0.25

CLIENT_COLUMNS = ["id", "hub_id", "name", "name_key", "name_kana", "kind", "industry_id",
                  "employees", "survey_consent", "created_at", "created_by_id"]
CASE_COLUMNS = ["id", "hub_id", "client_id", "lead_id", "depth", "status", "opened_on",
                "closed_on", "created_at", "created_by_id"]
# With each session its case's depth, as consultations/summaries.py keeps it: the load then
# spares the rebuild an update of every session.
SESSION_COLUMNS = ["id", "hub_id", "case_id", "case_depth", "held_on", "start_time",
                   "duration_minutes", "channel", "summary", "next_step", "next_step_due",
                   "created_at", "created_by_id"]
TOPIC_COLUMNS = ["case_id", "topic_id", "hub_id"]
COORDINATOR_COLUMNS = ["session_id", "user_id"]
REFERRAL_COLUMNS = ["id", "hub_id", "case_id", "agency_id", "reason", "follow_up_due",
                    "status", "closed_at", "created_at", "created_by_id"]
ANSWER_COLUMNS = ["hub_id", "coordinator_id", "answered_on", "overall", "understanding",
                  "usefulness", "speed", "recommend"]


@dataclass
class HubPlan:
    """What one hub gets: its counts and where its ids start."""

    hub_id: int
    code: str
    clients: int
    cases: int
    sessions: int
    coordinators: list[int]
    agencies: list[int]
    first_client_id: int
    first_case_id: int
    first_session_id: int
    first_referral_id: int


@dataclass
class HubRows:
    clients: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    sessions: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    coordinators: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    answers: list = field(default_factory=list)


def spread(total: int, over: int, rng: random.Random) -> list[int]:
    """`total` items over `over` holders, each at least one, the rest at random."""
    counts = [1] * over
    for index in rng.choices(range(over), k=total - over):
        counts[index] += 1
    return counts


class _Moments:
    """10:00 in Tokyo on a day, made once per day."""

    def __init__(self):
        self._made: dict[date, datetime] = {}

    def __call__(self, day: date) -> datetime:
        moment = self._made.get(day)
        if moment is None:
            moment = self._made[day] = datetime.combine(day, time(10), tzinfo=TOKYO)
        return moment


def hub_rows(plan: HubPlan, *, seed: int, first_day: date, today: date, topics: list[int],
             industries: list[int]) -> HubRows:
    rng = random.Random(f"{seed}-{plan.code}")
    moment = _Moments()
    rows = HubRows()
    span = (today - first_day).days + 1
    cases_per_client = spread(plan.cases, plan.clients, rng)
    sessions_per_case = spread(plan.sessions, plan.cases, rng)
    case_id, session_id, referral_id = plan.first_case_id, plan.first_session_id, \
        plan.first_referral_id
    for offset, case_count in enumerate(cases_per_client):
        client_id = plan.first_client_id + offset
        started = first_day + timedelta(days=rng.randrange(span))
        lead = rng.choice(plan.coordinators)
        rows.clients.append(_client(rng, plan, client_id, moment(started), lead, industries))
        for _ in range(case_count):
            room = min(3 * 365, (today - started).days + 1)
            opened = started + timedelta(days=rng.randrange(room))
            count = sessions_per_case[case_id - plan.first_case_id]
            window = min(365, (today - opened).days)
            days = [opened] + sorted(opened + timedelta(days=rng.randrange(window + 1))
                                     for _ in range(count - 1))
            last = days[-1]
            ended = (today - last).days > QUIET_DAYS
            status = (rng.choices([Case.Status.RESOLVED, Case.Status.CLOSED], [75, 25])[0]
                      if ended else Case.Status.OPEN)
            depth = rng.choices(DEPTHS, DEPTH_WEIGHTS)[0]
            rows.cases.append((case_id, plan.hub_id, client_id, lead, depth, status, opened,
                               last if ended else None, moment(opened), lead))
            for topic in rng.sample(topics, rng.choice((1, 1, 2, 3))):
                rows.topics.append((case_id, topic, plan.hub_id))
            for number, day in enumerate(days, start=1):
                due = (day + timedelta(days=14)
                       if not ended and number == count else None)
                rows.sessions.append((
                    session_id, plan.hub_id, case_id, depth, day, time(9 + rng.randrange(8)),
                    rng.choice((30, 60, 60, 90, 120)), rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
                    rng.choice(SUMMARIES), "次回までに資料を準備" if due else "", due,
                    moment(day), lead))
                present = lead if rng.random() < 0.9 else rng.choice(plan.coordinators)
                rows.coordinators.append((session_id, present))
                session_id += 1
            if rng.random() < REFERRAL_SHARE:
                rows.referrals.append(_referral(rng, plan, referral_id, case_id, opened, today,
                                                lead, moment))
                referral_id += 1
            if ended and rng.random() < ANSWER_SHARE:
                answered = min(today, last + timedelta(days=rng.randrange(1, 15)))
                rows.answers.append((plan.hub_id, lead, answered,
                                     *rng.choices(SCORES, SCORE_WEIGHTS, k=5)))
            case_id += 1
    return rows


def _client(rng, plan: HubPlan, client_id: int, created, lead: int, industries) -> tuple:
    head, tail = rng.choice(NAME_HEAD), rng.choice(NAME_TAIL)
    kind, form = rng.choice(FORMS)
    name = f"{form}{head[0]}{tail[0]}{client_id % 1000}"
    return (client_id, plan.hub_id, name, client_name_key(name), f"{head[1]}{tail[1]}", kind,
            rng.choice(industries), rng.randrange(1, 300), rng.random() < 0.7, created, lead)


def _referral(rng, plan: HubPlan, referral_id, case_id, opened, today, lead, moment) -> tuple:
    due = opened + timedelta(days=30)
    done = (today - opened).days > 90
    status = Referral.Status.CLOSED if done else rng.choice(
        [Referral.Status.SENT, Referral.Status.ACKNOWLEDGED, Referral.Status.ACTING])
    return (referral_id, plan.hub_id, case_id, rng.choice(plan.agencies),
            "専門的な支援が必要なため紹介", due, status,
            moment(due) if done else None, moment(opened), lead)
