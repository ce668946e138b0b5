"""Reads for the guideline, hearings and results. Aggregates are computed in the database;
every function runs a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from hubs import rls
from hubs.access import AuthorisedHub, is_hq
from hubs.models import Hub
from yorozu.core import years

from . import figures, heat_map
from .models import Area, Guideline, Hearing, Item, Score
from .permissions import EVALUATE

# The hearings whose scores count nationally, for HQ and for everyone else.
HQ_VISIBLE = (Hearing.Status.FINALISED, Hearing.Status.PUBLISHED)
PUBLIC = (Hearing.Status.PUBLISHED,)



def guidelines_visible(*, user):
    """HQ sees drafts too; everyone else only published versions."""
    guidelines = Guideline.objects.all()
    if not is_hq(user):
        guidelines = guidelines.filter(status=Guideline.Status.PUBLISHED)
    return guidelines.order_by("-fiscal_year")


def guideline_with_items(guideline: Guideline) -> list[Area]:
    return list(guideline.areas.prefetch_related(
        Prefetch("items", queryset=Item.objects.order_by("sort_order", "code"))))


def published_guideline(fiscal_year: int) -> Guideline | None:
    return Guideline.objects.filter(fiscal_year=fiscal_year,
                                    status=Guideline.Status.PUBLISHED).first()


def published_guidelines() -> dict[int, Guideline]:
    """Every published version by fiscal year (one a year, so a handful of rows): one query
    that gives both the years an evaluation page offers and the version of the year shown."""
    return {g.fiscal_year: g for g in Guideline.objects.filter(
        status=Guideline.Status.PUBLISHED).defer("preface")}


def evaluation_year(request, published: dict | None = None) -> years.YearPicker:
    """The year an evaluation page shows: the one picked, else the current year, else (the
    current year's guideline being unpublished until spring) the latest with a published
    guideline. One query, none if `published` (published_guidelines()) is given."""
    if published is None:
        published = published_guidelines()
    return years.year_picker(request, years_with_data=published)


# --- Hearings --------------------------------------------------------------------------------
def hubs_with_hearings(*, fiscal_year: int, led_by=None) -> list[Hub]:
    """Every hub with its hearing of the year (or None): HQ's planning list, two queries.
    `led_by` (a user): only the hubs whose hearing that user leads."""
    hearings = {h.hub_id: h for h in Hearing.objects.filter(fiscal_year=fiscal_year)
                .select_related("lead")}
    hubs = Hub.objects.select_related("bureau").order_by("jis_code")
    if led_by is not None:
        hubs = hubs.filter(pk__in=[h.hub_id for h in hearings.values()
                                   if h.lead_id == led_by.pk])
    hubs = list(hubs)
    for hub in hubs:
        hub.hearing = hearings.get(hub.pk)
    return hubs


def hearing_events(hearing: Hearing):
    return hearing.events.select_related("by").order_by("-at", "-pk")


def scoring_rows(hearing: Hearing) -> list[Area]:
    """The guideline's areas and items, each item with this hearing's score (or None)."""
    scores = {s.item_id: s for s in hearing.scores.select_related("updated_by")}
    areas = guideline_with_items(hearing.guideline)
    for area in areas:
        for item in area.items.all():
            item.score = scores.get(item.pk)
    return areas


@dataclass(frozen=True)
class Progress:
    scored: int
    total: int


def scoring_progress(hearing: Hearing) -> Progress:
    """How many of the guideline's items have a level at this hearing. One query."""
    counts = Item.objects.filter(area__guideline=hearing.guideline_id).aggregate(
        total=Count("pk", distinct=True),
        scored=Count("scores", filter=Q(scores__hearing=hearing, scores__level__isnull=False)))
    return Progress(scored=counts["scored"], total=counts["total"])


def scoring_sheet(*, hearing: Hearing, hub: AuthorisedHub) -> dict:
    """The scoring sheet: each item with this hearing's score and its comparisons
    (with_comparisons), how many items have a level, and the first without one. Five
    queries, whatever the data."""
    areas = scoring_rows(hearing)
    items = with_comparisons([item for area in areas for item in area.items.all()],
                             hearing=hearing, hub=hub)
    unscored = [item for item in items if not (item.score and item.score.level)]
    return {"areas": areas, "progress": Progress(scored=len(items) - len(unscored),
                                                 total=len(items)),
            "first_unscored": unscored[0] if unscored else None}


def with_comparisons(items: list[Item], *, hearing: Hearing, hub: AuthorisedHub) -> list[Item]:
    """Gives each item the hub's self-check level for it this year (`self_check`: the average
    of its submitted self-checks, withheld under the minimum as on every self-check page) and
    last year's hearing level (`last_level`, from a finalised or published hearing). Guideline
    versions are per year, so items are matched across them by code. Two queries. `hub` is
    authorised with VIEW_SELF_CHECK_SUMMARY."""
    from .selfchecks import item_levels

    own = item_levels(hub=hub, fiscal_year=hearing.fiscal_year)
    last_year = last_year_levels(hub=hub, fiscal_year=hearing.fiscal_year)
    for item in items:
        item.self_check = own.get(item.code, {"average": None, "count": 0})
        item.last_level = last_year.get(item.code)
    return items


def last_year_levels(*, hub: AuthorisedHub, fiscal_year: int) -> dict[str, int]:
    """Item code -> the hub's level at its hearing of the year before `fiscal_year`, once
    finalised (or published); empty without one. Guideline versions are per year, so items
    are matched by code. One query."""
    return dict(Score.objects.filter(
        hearing__hub=hub.hub, hearing__fiscal_year=fiscal_year - 1,
        hearing__status__in=HQ_VISIBLE, level__isnull=False).values_list("item__code", "level"))


def evidence_pack(*, hub: AuthorisedHub, fiscal_year: int) -> dict:
    """What the hub's own records show for the year, to ground a hearing, beside the targets
    of the hub's accepted plan. The counts are the plan dashboards' own (plans.actuals, which
    counts by evaluation/figures.py), so the two pages cannot disagree."""
    from .plans import actuals
    from .selfchecks import self_check_summary
    from .surveys.agency_selectors import agency_survey_for_year
    from .surveys.satisfaction_selectors import satisfaction_summary

    tally = actuals.tallies(hub_ids=hub.ids, fiscal_year=fiscal_year)[None]
    depth = {"total": sum(tally.cases_opened), "expert": sum(tally.cases_expert),
             "policy": sum(tally.cases_policy)}
    due, followed = sum(tally.referrals_due), sum(tally.referrals_followed)
    return {
        "figures": {"sessions": sum(tally.sessions), "new_clients": sum(tally.new_clients)},
        "plan": plan_against_actuals(hub=hub, fiscal_year=fiscal_year, tally=tally),
        "cases": depth,
        "expert_share": figures.expert_share(depth["expert"], depth["total"]),
        "policy_share": _share(depth["policy"], depth["total"]),
        "follow_up": {"total": due, "answered": followed},
        "follow_up_rate": figures.rate(followed, due),
        "self_check": self_check_summary(hub=hub.hub, fiscal_year=fiscal_year),
        "satisfaction": satisfaction_summary(hub=hub, fiscal_year=fiscal_year),
        "agency_survey": agency_survey_for_year(hub=hub, fiscal_year=fiscal_year),
    }


def plan_against_actuals(*, hub: AuthorisedHub, fiscal_year: int, tally) -> dict:
    """Each standard indicator's target in the hub's accepted plan (the highest accepted
    version, even while a revision is being drafted) against the actual to date, and the
    rate of achievement of the target due by now. Without an accepted version, no targets:
    a draft's or a submitted plan's are not yet the yardstick; `status` says where it is.
    Two queries."""
    from .plans import actuals, attainment
    from .plans.indicators import BY_CODE
    from .plans.models import AnnualPlan

    status = (AnnualPlan.objects.filter(hub=hub.hub, fiscal_year=fiscal_year).order_by()
              .values_list("status", flat=True).first())
    plan = actuals.hub_targets(hub_ids=hub.ids, fiscal_year=fiscal_year).get(hub.hub.pk)
    found = {"accepted": bool(plan and plan.accepted), "status": status,
             "status_label": AnnualPlan.Status(status).label if status else "",
             "version": plan.version if plan else None, "rows": []}
    if not found["accepted"]:
        return found
    # The plan's rows as plans/attainment.py sets them (the dashboards' targets to date), so
    # that the pages and the evaluation set the same figures side by side.
    rows = attainment.standard_rows(plan.targets, tally.yearly(),
                                    actuals.months_elapsed(fiscal_year))
    found["rows"] = [{"indicator": BY_CODE[row.code], "target_year": row.target_year,
                      "target_to_date": row.target_to_date, "actual": row.actual,
                      "achievement": row.achievement} for row in rows]
    return found


_share = figures.rate  # every percentage the same way: one decimal, None with nothing to rate


# --- Results ---------------------------------------------------------------------------------
def distribution(*, guideline: Guideline, statuses) -> dict[int, dict[int, int]]:
    """Item id -> {level: number of hubs}, over the hearings in `statuses`: every hub's, for a
    hub's own page too (no names; result_rows withholds it below the minimum)."""
    with rls.across_hubs():
        rows = list(Score.objects.filter(item__area__guideline=guideline, level__isnull=False,
                                         hearing__status__in=statuses)
                    .values("item_id", "level").annotate(n=Count("pk")).order_by())
    result: dict[int, dict[int, int]] = defaultdict(lambda: {1: 0, 2: 0, 3: 0, 4: 0})
    for row in rows:
        result[row["item_id"]][row["level"]] = row["n"]
    return result


def national_heat_map(*, guideline: Guideline) -> tuple[list[Area], list[heat_map.HeatRow]]:
    """HQ's national view: each hub's average level per area and overall (finalised or
    published hearings), with its hearing of the year to link to. Three queries."""
    areas = list(guideline.areas.order_by("sort_order"))
    averages = (Score.objects.filter(item__area__guideline=guideline, level__isnull=False,
                                     hearing__status__in=HQ_VISIBLE)
                .values("hearing__hub_id", "item__area_id")
                .annotate(avg=Avg("level"), n=Count("pk")).order_by())
    by_hub: dict[int, dict[int, tuple[float, int]]] = defaultdict(dict)
    for row in averages:
        by_hub[row["hearing__hub_id"]][row["item__area_id"]] = (row["avg"], row["n"])
    hearings = dict(Hearing.objects.filter(fiscal_year=guideline.fiscal_year)
                    .values_list("hub_id", "pk"))
    rows = []
    for hub in Hub.objects.select_related("bureau").order_by("jis_code"):
        found = by_hub.get(hub.pk, {})
        rows.append(heat_map.HeatRow(
            hub=hub, cells=[heat_map.Cell(found[a.pk][0] if a.pk in found else None)
                            for a in areas],
            overall=heat_map.Cell(heat_map.overall(list(found.values()))),
            hearing_id=hearings.get(hub.pk)))
    return areas, rows


def best_practice(*, guideline: Guideline) -> dict[int, list[Hub]]:
    """Item id -> hubs scored at the top level: candidates for the case collection."""
    rows = (Score.objects.filter(item__area__guideline=guideline, level=4,
                                 hearing__status__in=HQ_VISIBLE)
            .select_related("hearing__hub").order_by("hearing__hub__jis_code"))
    result: dict[int, list[Hub]] = defaultdict(list)
    for score in rows:
        result[score.item_id].append(score.hearing.hub)
    return result


def hub_result(*, hub: AuthorisedHub, fiscal_year: int, user) -> Hearing | None:
    """The hub's hearing of the year as the user may see it: HQ always; the hub and its
    bureau only once HQ has published it."""
    hearings = Hearing.objects.filter(hub=hub.hub, fiscal_year=fiscal_year)
    if not is_hq(user):
        hearings = hearings.filter(status=Hearing.Status.PUBLISHED)
    return hearings.select_related("guideline", "lead").first()


def result_rows(*, hearing: Hearing, user) -> list[Area]:
    """Each item with the hub's level beside the national distribution (no hub names). The
    distribution is None over fewer than GUIDELINE_DISTRIBUTION_MIN_HUBS hubs: a hub that
    knows its own level would read the other one's (or few's) off it."""
    statuses = HQ_VISIBLE if is_hq(user) else PUBLIC
    spread = distribution(guideline=hearing.guideline, statuses=statuses)
    minimum = settings.GUIDELINE_DISTRIBUTION_MIN_HUBS
    areas = scoring_rows(hearing)
    for area in areas:
        for item in area.items.all():
            counts = spread.get(item.pk, {1: 0, 2: 0, 3: 0, 4: 0})
            total = sum(counts.values())
            item.spread = ([(level, counts[level], _share(counts[level], total))
                            for level in (1, 2, 3, 4)] if total >= minimum else None)
            item.national_total = total
    return areas


# --- HQ's hearing work (the home page) ------------------------------------------------------
def hearing_work(*, user, fiscal_year: int) -> dict:
    """The year's hearings by the step they wait for, at the hubs where the user holds
    hearings (HQ): hubs with none yet (to schedule); hearings not every item of which has a
    level (to score); every item scored, not finalised (to finalise); finalised, not
    published (to publish). Two queries."""
    unscheduled = (Hub.objects.for_user(user, EVALUATE)
                   .exclude(Exists(Hearing.objects.filter(hub=OuterRef("pk"),
                                                          fiscal_year=fiscal_year)))
                   .count())
    items = (Item.objects.filter(area__guideline=OuterRef("guideline")).order_by()
             .values("area__guideline").annotate(n=Count("pk")).values("n"))
    scored = (Score.objects.filter(hearing=OuterRef("pk"), level__isnull=False).order_by()
              .values("hearing").annotate(n=Count("pk")).values("n"))
    scoring = Q(status__in=[Hearing.Status.SCHEDULED, Hearing.Status.SCORING])
    counts = (Hearing.objects.for_user(user, EVALUATE).filter(fiscal_year=fiscal_year)
              .annotate(items=Coalesce(Subquery(items), 0), scored=Coalesce(Subquery(scored), 0))
              .aggregate(to_score=Count("pk", filter=scoring & Q(scored__lt=F("items"))),
                         to_finalise=Count("pk", filter=scoring & Q(scored__gte=F("items"))),
                         to_publish=Count("pk", filter=Q(status=Hearing.Status.FINALISED))))
    return {"to_schedule": unscheduled, **counts}
