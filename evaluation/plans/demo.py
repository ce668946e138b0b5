"""Demo annual plans: this year's activity policy, published; for the four demo hubs, last
year's accepted plan and this year's plan in a different state each (submitted for review,
accepted, returned with a bureau comment, draft), so that the bureau's queue and the
dashboards show something; each plan has a priority area per kind of measure. Fictional
figures."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hubs.models import Hub
from yorozu.core import fiscal

from .content import normalize
from .indicators import STANDARD
from .models import ActivityPolicy, AnnualPlan, PlanComment, PlanVersion
from .services import draft_save

# Hub slug: (this year's status, monthly sessions target, monthly new clients target)
PLANS = {"13": ("submitted", 75, 7), "27": ("accepted", 70, 8), "40": ("returned", 65, 6),
         "04": ("draft", 60, 5)}
SLUGS = {"13": "tokyo", "27": "osaka", "40": "fukuoka", "04": "miyagi"}
BUREAU_OF = {"13": "kanto", "27": "kinki", "40": "kyushu", "04": "tohoku"}


def plan_content(hub: Hub, sessions: int, new_clients: int) -> dict:
    """A plan's content with monthly targets of `sessions` and `new_clients` (demo and
    seed_scale)."""
    return normalize({
        "analysis": {"industry_mix": f"{hub.prefecture_ja}は小売・飲食とサービス業の"
                                     "小規模事業者が多い。",
                     "agency_views": "商工会議所からは事業承継と価格転嫁の相談増が指摘されている。",
                     "notes": "デモ用の架空の分析です。"},
        "targets": {
            "sessions": {"year": sessions * 12, "months": [sessions] * 12},
            "new_clients": {"year": new_clients * 12, "months": [new_clients] * 12},
            "satisfaction": {"year": 90}, "follow_up": {"year": 80},
            "expert_share": {"year": 60}},
        "priorities": demo_priorities(sessions),
        "initiatives": "支援機関との合同相談会を四半期ごとに開催する。",
        "collaboration": [],
    })


def demo_priorities(sessions: int) -> list[dict]:
    """One priority area per measure (plans/measures.py), with targets that fit a hub of
    `sessions` sessions a month."""
    none = {"topics": [], "milestone_kind": ""}
    return [
        {**none, "title": "事業承継", "description": "承継計画の策定支援を強化する。",
         "measure": "topic_sessions", "topics": ["succession"], "target": sessions * 2},
        {**none, "title": "創業支援", "description": "創業希望者の開業までを伴走支援する。",
         "measure": "milestones", "milestone_kind": "startup", "target": 12},
        {**none, "title": "価格転嫁・収益改善",
         "description": "原価計算と価格交渉の支援で、支援先の付加価値額を高める。",
         "measure": "value_added_improved", "target": 60},
        {**none, "title": "DXによる生産性向上",
         "description": "IT・DXと生産性向上の相談を通じて付加価値額を伸ばす。",
         "measure": "value_added_change", "target": 3},
    ]


@transaction.atomic
def seed_plans() -> dict:
    year = fiscal.current_fiscal_year()
    users = {u.email: u for u in get_user_model().objects.filter(email__endswith="@example.jp")}
    lead = users["hq.lead@example.jp"]
    ActivityPolicy.objects.get_or_create(fiscal_year=year, defaults={
        "priority_themes": "事業承継、価格転嫁・賃上げに向けた収益改善、DXによる生産性向上",
        "indicators": [i.code for i in STANDARD], "published_at": timezone.now(),
        "plan_deadline": fiscal.fiscal_year_start(year).replace(month=5, day=31),
        "updated_by": lead})
    for jis, (status, sessions, new_clients) in PLANS.items():
        hub = Hub.objects.get(jis_code=jis)
        chief = users[f"chief.{SLUGS[jis]}@example.jp"]
        org = users[f"org.{SLUGS[jis]}@example.jp"]
        bureau = users[f"bureau.{BUREAU_OF[jis]}@example.jp"]
        plan_seed(hub, year - 1, "accepted", plan_content(hub, sessions - 5, new_clients),
                  (chief, org), bureau)
        plan = plan_seed(hub, year, status, plan_content(hub, sessions, new_clients),
                         (chief, org), bureau)
        if status == "returned" and not plan.comments.exists():
            PlanComment.objects.create(plan=plan, on_version=plan.versions.last(),
                                       section="targets", author=bureau,
                                       text="新規相談者数の目標が前年度実績を下回っています。根拠を補足してください。")
    return {"plans": AnnualPlan.objects.count()}


def plan_seed(hub, year, status, content, confirmers, bureau) -> AnnualPlan:
    """A hub's plan for `year` in `status`, confirmed by the (chief, organization) pair and,
    when decided, decided by `bureau` (demo and seed_scale)."""
    chief, org = confirmers
    plan, created = AnnualPlan.objects.get_or_create(
        hub=hub, fiscal_year=year, defaults={"status": status, "updated_by": chief})
    if created:
        draft_save(plan=plan, content=content)
    if created and status != "draft":
        decided = status in ("accepted", "returned")
        now = timezone.now()
        PlanVersion.objects.create(plan=plan, number=1, content=content, submitted_by=chief,
                                   chief_confirmed_by=chief, chief_confirmed_at=now,
                                   org_confirmed_by=org, org_confirmed_at=now,
                                   outcome=status if decided else "",
                                   decided_by=bureau if decided else None,
                                   decided_at=timezone.now() if decided else None)
    return plan
