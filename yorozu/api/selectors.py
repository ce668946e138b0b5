"""The API's reads. Every one starts from the user: hub-owned rows through `for_user` or
`get_for_user_or_404` (another hub's row is a 404 like a missing one), figures through the
plans' tallies of evaluation/figures.py for hubs found that way. Nothing here defines a
figure; nothing returns a person's name or email, or a free text."""

from collections import defaultdict

from django.db.models import QuerySet

from evaluation import selectors as evaluation_selectors
from evaluation.models import Hearing, Score
from evaluation.plans import actuals
from evaluation.plans.models import AnnualPlan
from evaluation.plans.permissions import VIEW_PLAN
from hubs.access import hub_access, is_hq
from hubs.models import Hub
from hubs.roles import VIEW_AGGREGATES, VIEW_HUB
from hubs.scoping import get_for_user_or_404, hub_for_user_or_404

INDICATORS = ("sessions", "new_clients", "satisfaction", "follow_up", "expert_share")


# --- Hubs --------------------------------------------------------------------------------------
def hubs_visible(*, user, perm: str = VIEW_HUB) -> QuerySet:
    return Hub.objects.for_user(user, perm).select_related("bureau").order_by("jis_code")


def hub_or_404(*, user, jis_code: str, perm: str = VIEW_HUB) -> Hub:
    return hub_for_user_or_404(user, jis_code, perm)


# --- Figures per hub and month -----------------------------------------------------------------
def hub_figures(*, user, hubs: list[Hub], fiscal_year: int) -> list[dict]:
    """Each hub's figures by month (April..March) and for the year to date, from the plan
    dashboards' tallies (five GROUP BY queries for all the hubs). `hubs` come from
    `hubs_visible(user=..., perm=VIEW_AGGREGATES)`; any the user may not see is left out.
    A month not yet begun is null; so is a rate with nothing to rate, and a satisfaction
    figure withheld for anonymity (figures.py: fewer answers than its minimum, or
    a month whose figure would reveal one)."""
    access = hub_access(user)
    hubs = [hub for hub in hubs if access.can(VIEW_AGGREGATES, hub.pk)]
    tallies = actuals.tallies(hub_ids=[hub.pk for hub in hubs], fiscal_year=fiscal_year,
                              by_hub=True)
    empty = actuals.empty_tally(fiscal_year)
    return [{"hub": hub, "fiscal_year": fiscal_year,
             "months": _months(tallies.get(hub.pk, empty), fiscal_year),
             "year": tallies.get(hub.pk, empty).yearly()} for hub in hubs]


def _months(tally: actuals.Tally, fiscal_year: int) -> list[dict]:
    """A tally's figures month by month; counts of months not yet begun are null too."""
    monthly = tally.monthly()

    def count(name, i):
        return getattr(tally, name)[i] if i < tally.started else None

    return [{"month": start.strftime("%Y-%m"),
             **{code: monthly[code][i] for code in INDICATORS},
             "referrals_due": count("referrals_due", i),
             "referrals_followed": count("referrals_followed", i),
             "cases_opened": count("cases_opened", i),
             "cases_expert": count("cases_expert", i)}
            for i, start in enumerate(actuals.month_starts(fiscal_year))]


# --- Plans -------------------------------------------------------------------------------------
def plans_visible(*, user, fiscal_year: int) -> QuerySet:
    return (AnnualPlan.objects.for_user(user, VIEW_PLAN).filter(fiscal_year=fiscal_year)
            .select_related("hub").order_by("hub__jis_code"))


def plan_or_404(*, user, jis_code: str, fiscal_year: int) -> AnnualPlan:
    return get_for_user_or_404(AnnualPlan.objects.select_related("hub"), user, VIEW_PLAN,
                               hub__jis_code=jis_code, fiscal_year=fiscal_year)


def plans_with_targets(plans: list[AnnualPlan]) -> list[AnnualPlan]:
    """Each plan (of one fiscal year, found through `plans_visible`/`plan_or_404`) with
    `target_figures`: the accepted version's, else the working draft's (`targets_accepted`)."""
    if not plans:
        return plans
    found = actuals.hub_targets(hub_ids=[plan.hub_id for plan in plans],
                                fiscal_year=plans[0].fiscal_year)
    for plan in plans:
        targets = found.get(plan.hub_id)
        plan.target_figures = targets.targets if targets else {}
        plan.targets_accepted = bool(targets and targets.accepted)
        plan.accepted_version = targets.version if targets else None
    return plans


# --- Evaluation results ------------------------------------------------------------------------
def _visible_statuses(user) -> tuple:
    # As on the result page: HQ once finalised, the hub and its bureau once published.
    return evaluation_selectors.HQ_VISIBLE if is_hq(user) else evaluation_selectors.PUBLIC


def results_visible(*, user, fiscal_year: int) -> QuerySet:
    return (Hearing.objects.for_user(user, VIEW_HUB)
            .filter(fiscal_year=fiscal_year, status__in=_visible_statuses(user))
            .select_related("hub").order_by("hub__jis_code"))


def result_or_404(*, user, jis_code: str, fiscal_year: int) -> Hearing:
    return get_for_user_or_404(
        Hearing.objects.filter(status__in=_visible_statuses(user))
        .select_related("hub", "guideline"),
        user, VIEW_HUB, hub__jis_code=jis_code, fiscal_year=fiscal_year)


def results_with_levels(hearings: list[Hearing]) -> list[Hearing]:
    """Each hearing with `levels`: [{area, item, level}] in the guideline's order (one
    query for the page). The evidence notes stay on the result page."""
    levels = defaultdict(list)
    rows = (Score.objects.filter(hearing__in=[h.pk for h in hearings])
            .order_by("item__area__sort_order", "item__sort_order", "item__code")
            .values("hearing_id", "item__area__code", "item__code", "level"))
    for row in rows:
        levels[row["hearing_id"]].append({"area": row["item__area__code"],
                                          "item": row["item__code"], "level": row["level"]})
    for hearing in hearings:
        hearing.levels = levels[hearing.pk]
    return hearings


def result_distribution(*, hearing: Hearing, user) -> list[dict]:
    """Per item, how all hubs were scored (counts per level), as the result page shows it:
    null below GUIDELINE_DISTRIBUTION_MIN_HUBS hubs, no hub named."""
    return [{"item": item.code,
             "levels": (None if item.spread is None
                        else {str(level): n for level, n, _share in item.spread})}
            for area in evaluation_selectors.result_rows(hearing=hearing, user=user)
            for item in area.items.all()]
