"""Self-checks (自己点検): services and selectors.

Coordinators, chief coordinators and the implementing organization rate themselves each
half-year on the guideline items of their role; the chief coordinator reviews the hub's
coordinators' self-checks; the hub, its implementing organization and HQ see only aggregates.

Self-checks are personal. A user reads one of their own, or, as the hub's chief coordinator,
a coordinator's that has been submitted; nobody else reads an individual self-check. Every
read goes through SelfCheck.objects.for_user(), so another hub's row is filtered out in SQL.
Aggregates never show an average of fewer than MIN_RESPONSES self-checks: with one response,
the "average" would be that person's own rating, and with two each could deduce the other's."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.permissions import REVIEW_SELF_CHECKS, SELF_CHECK, VIEW_SELF_CHECK_SUMMARY
from hubs.access import AuthorisedHub, hub_access, require
from hubs.models import Appointment, Hub
from hubs.roles import Role
from yorozu.core import fiscal
from yorozu.core.errors import WorkflowError

from .models import Guideline, Item, SelfCheck, SelfRating

# Roles that rate themselves, the stronger first: a user who is both at one hub rates as chief.
# The guideline names the implementing organization on items of hub management, so it rates
# itself too.
SELF_CHECK_ROLES = (Role.CHIEF, Role.COORDINATOR, Role.IMPL_ORG)
# Self-checks that count in aggregates: drafts are work in progress.
COUNTED = (SelfCheck.Status.SUBMITTED, SelfCheck.Status.REVIEWED)
# Below this many self-checks an average is hidden. With one, it would be that person's own
# rating; with two, each of the two could work out the other's from it.
MIN_RESPONSES = 3
HALF_LABELS = {1: _("First half"), 2: _("Second half")}

__all__ = ["WorkflowError"]


class GuidelineNotPublished(WorkflowError):
    """HQ has not published the guideline of the fiscal year yet."""


class NotEditable(WorkflowError):
    """The self-check has been submitted: its owner can no longer change it."""


class Incomplete(WorkflowError):
    """A self-check is submitted only with a level for every item."""

    def __init__(self, item_ids):
        super().__init__("every item needs a level")
        self.item_ids = frozenset(item_ids)


# --- Periods ---------------------------------------------------------------------------------
def half_of(day: date) -> int:
    """April to September is the first half-year, October to March the second."""
    return 1 if 4 <= day.month <= 9 else 2


def current_period() -> tuple[int, int]:
    today = fiscal.today()
    return fiscal.fiscal_year_of(today), half_of(today)


def period_label(fiscal_year: int, half: int) -> str:
    return f"{fiscal.fiscal_year_label(fiscal_year)} {HALF_LABELS[half]}"


def published_guideline(fiscal_year: int) -> Guideline | None:
    return Guideline.objects.filter(fiscal_year=fiscal_year,
                                    status=Guideline.Status.PUBLISHED).first()


def items_for_role(items, role: str) -> list[Item]:
    """The items a role rates itself on. Filtered in Python: SQLite has no JSON containment."""
    return [item for item in items if role in (item.roles or [])]


# --- Who may do what -------------------------------------------------------------------------
def self_check_role(*, user, hub: Hub) -> str | None:
    """The role the user rates themselves in at the hub today, from their appointments."""
    roles = set(Appointment.objects.active().filter(user=user, hub=hub,
                                                    role__in=SELF_CHECK_ROLES)
                .values_list("role", flat=True))
    return next((role for role in SELF_CHECK_ROLES if role in roles), None)


def can_edit(user, self_check: SelfCheck) -> bool:
    return (self_check.user_id == user.pk and self_check.status == SelfCheck.Status.DRAFT
            and hub_access(user).can(SELF_CHECK, self_check.hub_id))


def may_review(user, self_check: SelfCheck) -> bool:
    """The hub's chief coordinator, for a coordinator's self-check, never their own."""
    return (self_check.role == Role.COORDINATOR and self_check.user_id != user.pk
            and hub_access(user).can(REVIEW_SELF_CHECKS, self_check.hub_id))


# --- Selectors -------------------------------------------------------------------------------
def self_checks_visible(*, user):
    """The individual self-checks the user may open: their own, and, as chief coordinator,
    the hub's coordinators' once submitted. Everyone else (colleagues, the implementing
    organization, bureaus, HQ) sees none: they get aggregates only."""
    own = SelfCheck.objects.for_user(user, SELF_CHECK).filter(user=user)
    reviewable = (SelfCheck.objects.for_user(user, REVIEW_SELF_CHECKS)
                  .filter(role=Role.COORDINATOR, status__in=COUNTED).exclude(user=user))
    return own | reviewable


def self_check_for(*, user, pk) -> SelfCheck:
    """The self-check if the user may open it; DoesNotExist otherwise, missing or not."""
    return (self_checks_visible(user=user)
            .select_related("hub", "user", "guideline", "reviewed_by").get(pk=pk))


def self_check_ratings(self_check: SelfCheck) -> list[SelfRating]:
    return list(self_check.ratings.select_related("item__area")
                .order_by("item__area__sort_order", "item__area__code", "item__sort_order",
                          "item__code"))


def my_self_checks(*, user):
    """The user's own self-checks at every hub where they rate themselves, with progress."""
    return (SelfCheck.objects.for_user(user, SELF_CHECK).filter(user=user)
            .select_related("hub")
            .annotate(items=Count("ratings"),
                      rated=Count("ratings", filter=Q(ratings__level__isnull=False)))
            .order_by("-fiscal_year", "-half", "hub__jis_code"))


def self_check_hubs(*, user) -> list[Hub]:
    """Hubs where the user rates themselves today, each with the role they rate in."""
    access = hub_access(user)
    hubs: dict[int, Hub] = {}
    for appointment in (Appointment.objects.active()
                        .filter(user=user, role__in=SELF_CHECK_ROLES).select_related("hub")
                        .order_by("hub__jis_code")):
        if not access.can(SELF_CHECK, appointment.hub_id):
            continue
        hub = hubs.setdefault(appointment.hub_id, appointment.hub)
        held, rank = getattr(hub, "self_check_role", None), SELF_CHECK_ROLES.index
        if held is None or rank(appointment.role) < rank(held):
            hub.self_check_role = appointment.role
            hub.self_check_role_label = Role(appointment.role).label
        hub.can_review = access.can(REVIEW_SELF_CHECKS, hub.pk)
        hub.can_see_summary = access.can(VIEW_SELF_CHECK_SUMMARY, hub.pk)
    return list(hubs.values())


def self_checks_due(*, user) -> list[Hub]:
    """The hubs where the user rates themselves and has not submitted this half-year's
    self-check, once the year's guideline is published (there is nothing to rate before).
    One query."""
    fiscal_year, half = current_period()
    published = Guideline.objects.filter(fiscal_year=fiscal_year,
                                         status=Guideline.Status.PUBLISHED)
    done = SelfCheck.objects.filter(user=user, hub=OuterRef("pk"), fiscal_year=fiscal_year,
                                    half=half, status__in=COUNTED)
    return list(Hub.objects.for_user(user, SELF_CHECK).filter(Exists(published))
                .exclude(Exists(done)).order_by("jis_code"))


def awaiting_review_counts(*, user) -> dict[int, int]:
    rows = (SelfCheck.objects.for_user(user, REVIEW_SELF_CHECKS)
            .filter(role=Role.COORDINATOR, status=SelfCheck.Status.SUBMITTED).exclude(user=user)
            .values("hub_id").annotate(n=Count("pk")).order_by())
    return {row["hub_id"]: row["n"] for row in rows}


def review_queue(*, user, hub: Hub):
    """The hub's coordinators' self-checks awaiting review (oldest submission first) and the
    reviewed ones (newest review first), as two querysets for the page's tables."""
    checks = (SelfCheck.objects.for_user(user, REVIEW_SELF_CHECKS)
              .filter(hub=hub, role=Role.COORDINATOR).exclude(user=user)
              .select_related("user", "reviewed_by"))
    awaiting = checks.filter(status=SelfCheck.Status.SUBMITTED).order_by("submitted_at", "pk")
    reviewed = checks.filter(status=SelfCheck.Status.REVIEWED).order_by("-reviewed_at", "-pk")
    return awaiting, reviewed


def _average(value, count: int) -> float | None:
    if value is None or count < MIN_RESPONSES:
        return None
    return round(float(value), 2)


def _counted(checks, fiscal_years):
    return checks.filter(status__in=COUNTED, fiscal_year__in=fiscal_years)


def self_check_summary(*, hub: Hub, fiscal_year: int) -> dict:
    """The hub's self-checks of the year (both halves, submitted or reviewed), per area:
    {"areas": [{"code", "title", "average", "count"}], "overall", "responses"}. `count` is
    the number of self-checks rating the area; an average of fewer than MIN_RESPONSES is
    None, and so is that of an area with a thin item. Five queries. The caller has checked
    that the user may see the hub's summary."""
    checks = _counted(SelfCheck.objects.filter(hub=hub), [fiscal_year])
    ratings = SelfRating.objects.filter(self_check__in=checks, level__isnull=False)
    by_area = {row["item__area__code"]: row for row in ratings
               .values("item__area__code").annotate(avg=Avg("level"),
                                                    n=Count("self_check", distinct=True))
               .order_by()}
    overall = ratings.aggregate(avg=Avg("level"))["avg"]
    responses = checks.count()
    thin = _areas_with_thin_items(ratings.values("item__area__code", "item__code"))
    areas = []
    for code, title in _area_titles([fiscal_year]):
        row = by_area.get(code, {"avg": None, "n": 0})
        average = None if code in thin else _average(row["avg"], row["n"])
        areas.append({"code": code, "title": title, "average": average, "count": row["n"]})
    return {"areas": areas, "responses": responses,
            "overall": None if thin else _average(overall, responses)}


def item_levels(*, hub: AuthorisedHub, fiscal_year: int) -> dict[str, dict]:
    """Item code -> {"average", "count"}: the hub's submitted or reviewed self-checks of the
    year (both halves) per guideline item, for the scoring sheet. An average of fewer than
    MIN_RESPONSES self-checks is None, as everywhere. One query. The caller holds an
    authorised hub with VIEW_SELF_CHECK_SUMMARY."""
    checks = _counted(SelfCheck.objects.filter(hub=hub.hub), [fiscal_year])
    rows = (SelfRating.objects.filter(self_check__in=checks, level__isnull=False)
            .values("item__code").annotate(avg=Avg("level"), n=Count("self_check", distinct=True))
            .order_by())
    return {row["item__code"]: {"average": _average(row["avg"], row["n"]), "count": row["n"]}
            for row in rows}


def _areas_with_thin_items(grouped) -> set:
    """The areas having an item rated by fewer than MIN_RESPONSES self-checks. Such an
    area's average is withheld: otherwise the thin item's ratings could be worked out from it
    and the other items' averages (e.g. the chief coordinator's own rating on an item only
    chiefs rate)."""
    counts = grouped.annotate(n=Count("self_check", distinct=True)).order_by()
    return {row["item__area__code"] for row in counts if row["n"] < MIN_RESPONSES}


def _self_check_items(fiscal_years) -> list[Item]:
    """The items rated in self-checks of the published guidelines of those years, the newest
    year first."""
    items = (Item.objects.filter(area__guideline__fiscal_year__in=fiscal_years,
                                 area__guideline__status=Guideline.Status.PUBLISHED)
             .select_related("area__guideline")
             .order_by("-area__guideline__fiscal_year", "area__sort_order", "area__code",
                       "sort_order", "code"))
    return [item for item in items if set(item.roles or []) & set(SELF_CHECK_ROLES)]


def _area_titles(fiscal_years) -> list[tuple[str, str]]:
    titles: dict[str, str] = {}
    for item in _self_check_items(fiscal_years):
        titles.setdefault(item.area.code, item.area.title)
    return list(titles.items())


def self_check_trend(*, user, hub: Hub, fiscal_year: int) -> dict:
    """The hub's aggregate for each half-year of `fiscal_year` and the year before: per area
    and per item, the average level of submitted or reviewed self-checks and how many
    self-checks it is over. No names, no individual ratings. Areas and items are matched
    across years by code (a new year's guideline starts as a copy); the newest wording is
    shown. Four queries, whatever the number of self-checks."""
    years = [fiscal_year - 1, fiscal_year]
    periods = [(fy, half) for fy in years for half in (1, 2)]
    checks = _counted(SelfCheck.objects.for_user(user, VIEW_SELF_CHECK_SUMMARY).filter(hub=hub),
                      years)
    responses = {(row["fiscal_year"], row["half"]): row["n"] for row in
                 checks.values("fiscal_year", "half").annotate(n=Count("pk")).order_by()}
    ratings = SelfRating.objects.filter(self_check__in=checks, level__isnull=False)
    period = ("self_check__fiscal_year", "self_check__half")
    stats = {"avg": Avg("level"), "n": Count("self_check", distinct=True)}
    area_cells = {(r["self_check__fiscal_year"], r["self_check__half"], r["item__area__code"]):
                  r for r in ratings.values(*period, "item__area__code").annotate(**stats)
                  .order_by()}
    item_cells = {(r["self_check__fiscal_year"], r["self_check__half"], r["item__area__code"],
                   r["item__code"]): r
                  for r in ratings.values(*period, "item__area__code", "item__code")
                  .annotate(**stats).order_by()}

    thin_areas = {(fy, half, code) for (fy, half, code, _item), row in item_cells.items()
                  if row["n"] < MIN_RESPONSES}

    def cells(found: dict, *key) -> list[dict]:
        result = []
        for fy, half in periods:
            row = found.get((fy, half, *key), {"avg": None, "n": 0})
            # An area with a thin item is withheld too: see _areas_with_thin_items.
            thin = len(key) == 1 and (fy, half, key[0]) in thin_areas
            result.append({"average": None if thin else _average(row["avg"], row["n"]),
                           "count": row["n"],
                           "hidden": thin or 0 < row["n"] < MIN_RESPONSES})
        return result

    areas: dict[str, dict] = {}
    for item in _self_check_items(years):
        area = areas.setdefault(item.area.code, {"code": item.area.code,
                                                 "title": item.area.title, "items": {}})
        area["items"].setdefault(item.code, {"code": item.code, "behaviour": item.behaviour})
    for area in areas.values():
        area["cells"] = cells(area_cells, area["code"])
        area["items"] = list(area["items"].values())
        for item in area["items"]:
            item["cells"] = cells(item_cells, area["code"], item["code"])
    return {
        "periods": [{"fiscal_year": fy, "half": half, "label": period_label(fy, half),
                     "year_label": fiscal.fiscal_year_label(fy), "half_label": HALF_LABELS[half],
                     "responses": responses.get((fy, half), 0)} for fy, half in periods],
        "areas": list(areas.values()),
        "min_responses": MIN_RESPONSES,
    }


# --- Services --------------------------------------------------------------------------------
@transaction.atomic
def self_check_start(*, user, hub: Hub) -> SelfCheck:
    """This half-year's self-check of the user at the hub: the existing one, or a new draft
    with a rating row for each item of their role in the year's published guideline."""
    require(user, SELF_CHECK, hub)
    fiscal_year, half = current_period()
    key = {"user": user, "hub": hub, "fiscal_year": fiscal_year, "half": half}
    existing = SelfCheck.objects.filter(**key).first()
    if existing is not None:
        return existing
    guideline = published_guideline(fiscal_year)
    if guideline is None:
        raise GuidelineNotPublished("HQ has not published the guideline of the year")
    role = self_check_role(user=user, hub=hub)
    if role is None:
        raise WorkflowError("no appointment that rates itself at this hub")
    try:
        with transaction.atomic():
            self_check = SelfCheck.objects.create(role=role, guideline=guideline, **key)
    except IntegrityError:  # started meanwhile in another tab
        return SelfCheck.objects.get(**key)
    items = items_for_role(Item.objects.filter(area__guideline=guideline), role)
    SelfRating.objects.bulk_create(SelfRating(self_check=self_check, item=item)
                                   for item in items)
    return self_check


@transaction.atomic
def self_check_save(*, self_check: SelfCheck, by, answers: dict, submit: bool) -> SelfCheck:
    """Saves the owner's levels and comments ({item id: (level or None, comment)}); with
    `submit`, also submits, which needs a level for every item and ends editing."""
    self_check = SelfCheck.objects.select_for_update().get(pk=self_check.pk)
    if self_check.user_id != by.pk or not hub_access(by).can(SELF_CHECK, self_check.hub_id):
        raise WorkflowError("only the owner changes a self-check")
    if self_check.status != SelfCheck.Status.DRAFT:
        raise NotEditable("already submitted")
    ratings = list(self_check.ratings.all())
    for rating in ratings:
        if rating.item_id in answers:
            level, comment = answers[rating.item_id]
            if level not in (None, 1, 2, 3, 4):
                raise WorkflowError("levels are 1 to 4")
            rating.level, rating.comment = level, (comment or "").strip()
    if submit:
        missing = [rating.item_id for rating in ratings if rating.level is None]
        if missing:
            raise Incomplete(missing)
    SelfRating.objects.bulk_update(ratings, ["level", "comment"])
    if submit:
        self_check.status, self_check.submitted_at = SelfCheck.Status.SUBMITTED, timezone.now()
        self_check.save(update_fields=["status", "submitted_at"])
    return self_check


@transaction.atomic
def self_check_review(*, self_check: SelfCheck, by, comment: str) -> SelfCheck:
    """The chief coordinator's comment on a coordinator's submitted self-check."""
    self_check = SelfCheck.objects.select_for_update().get(pk=self_check.pk)
    if not may_review(by, self_check):
        raise WorkflowError("only the hub's chief coordinator reviews a coordinator")
    if self_check.status != SelfCheck.Status.SUBMITTED:
        raise NotEditable("not awaiting review")
    if not comment.strip():
        raise WorkflowError("a review needs a comment")
    self_check.status = SelfCheck.Status.REVIEWED
    self_check.review_comment = comment.strip()
    self_check.reviewed_by, self_check.reviewed_at = by, timezone.now()
    self_check.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    return self_check
