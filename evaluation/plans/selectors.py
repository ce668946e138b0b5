"""Reads for annual plans. Views read plans only through AnnualPlan.objects.for_user(), so that
another hub's plan is a 404 exactly like a missing one."""

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from evaluation.plans.permissions import EDIT_PLAN, REVIEW_PLAN, VIEW_PLAN
from hubs.access import AuthorisedHub, hub_access
from hubs.models import Hub
from yorozu.core import fiscal

from . import content as plan_content
from . import measures
from .indicators import BY_CODE
from .models import SECTIONS, ActivityPolicy, AnnualPlan, PlanComment, PlanVersion


def policy_for(fiscal_year: int) -> ActivityPolicy | None:
    """The year's published activity policy: what plans are written against."""
    return ActivityPolicy.objects.filter(fiscal_year=fiscal_year,
                                         published_at__isnull=False).first()


def plan_for(*, user, hub: AuthorisedHub, fiscal_year: int,
             draft: bool = False) -> AnnualPlan | None:
    """The hub's plan for the year; with `draft`, its draft's rows read in the same query
    (plans/content.py: with_draft), for the pages that show the draft."""
    plans = (AnnualPlan.objects.for_user(user, VIEW_PLAN)
             .select_related("hub", "chief_confirmed_by", "org_confirmed_by", "updated_by"))
    if draft:
        plans = plan_content.with_draft(plans)
    return plans.filter(hub=hub.hub, fiscal_year=fiscal_year).first()


def versions(plan: AnnualPlan) -> list[PlanVersion]:
    return list(plan.versions.select_related("submitted_by", "decided_by", "chief_confirmed_by",
                                             "org_confirmed_by").order_by("number"))


def accepted_version(plan: AnnualPlan | None) -> PlanVersion | None:
    if plan is None:
        return None
    return plan.versions.filter(outcome="accepted").order_by("-number").first()


# --- The plan page ----------------------------------------------------------------------------
@dataclass
class TargetRow:
    code: str
    label: str
    is_count: bool
    year: object
    months: list
    last_actual: object
    last_target: object


@dataclass
class SectionView:
    key: str
    label: str
    comments: list = field(default_factory=list)


def target_rows(*, hub: AuthorisedHub, fiscal_year: int, content: dict,
                indicators) -> list[TargetRow]:
    """This year's targets beside last year's actuals and last year's accepted targets."""
    from . import actuals  # written alongside; imported here so this module loads without it

    last_actuals = actuals.yearly(hub_ids=hub.ids, fiscal_year=fiscal_year - 1)
    last_plan = plan_for(user=hub.user, hub=hub, fiscal_year=fiscal_year - 1)
    last_version = accepted_version(last_plan)
    last_targets = plan_content.normalize(last_version.content if last_version else {})
    content = plan_content.normalize(content, indicators)
    planned = {i.code for i in indicators}
    codes = [i.code for i in indicators] + [  # targets set before the policy dropped them
        c for c, t in content["targets"].items() if c not in planned and t["year"] is not None]
    rows = []
    for code in codes:
        indicator = BY_CODE[code]
        target = content["targets"][code]
        rows.append(TargetRow(
            code=code, label=str(indicator.label), is_count=indicator.is_count,
            year=target["year"], months=target.get("months") or [],
            last_actual=last_actuals.get(code),
            last_target=plan_content.year_target(last_targets, code) if last_version else None,
        ))
    return rows


@dataclass(frozen=True)
class PriorityRow:
    """A priority area as the plan page lists it: what it counts in words, its target with
    its unit, and what it still lacks to be submitted."""

    position: int
    title: str
    description: str
    measure: str
    target: str
    lacks: list


def priority_rows(priorities: list[dict]) -> list[PriorityRow]:
    """The document's priorities for the page; one query for the names of their topics."""
    codes = measures.topics_in(priorities)
    names = measures.topic_names(codes) if codes else {}
    return [PriorityRow(position=n, title=p["title"], description=p["description"],
                        measure=measures.describe(p, names), target=measures.format_target(p),
                        lacks=[str(m) for m in measures.missing(p)])
            for n, p in enumerate(priorities, start=1)]


def sections_with_comments(plan: AnnualPlan | None) -> list[SectionView]:
    """Each section with its comments, oldest first, each knowing the version it was made
    on (comments are kept across versions)."""
    sections = {key: SectionView(key, str(label)) for key, label in SECTIONS}
    if plan is not None:
        comments = (PlanComment.objects.filter(plan=plan)
                    .select_related("author", "on_version").order_by("created_at", "pk"))
        for comment in comments:
            sections[comment.section].comments.append(comment)
    return list(sections.values())


@dataclass(frozen=True)
class Confirmation:
    label: str
    by: object  # the user, or None
    at: datetime | None


def confirmations(source) -> list[Confirmation]:
    """The chief coordinator's and the implementing organization's confirmations of a draft
    or of a submitted version (the two that submitted it)."""
    return [
        Confirmation(_("Chief coordinator's confirmation"), source.chief_confirmed_by,
                     source.chief_confirmed_at),
        Confirmation(_("Implementing organization's confirmation"), source.org_confirmed_by,
                     source.org_confirmed_at),
    ]


def confirmations_shown(plan: AnnualPlan | None, latest: PlanVersion | None
                        ) -> tuple[PlanVersion | None, list[Confirmation]]:
    """What the plan page shows under "where the plan stands": the draft's confirmations while
    it is edited; once submitted, the draft's are withdrawn, so those that submitted the
    latest version, with that version."""
    if plan is None:
        return None, []
    if plan.is_editable or latest is None:
        return None, confirmations(plan)
    return latest, confirmations(latest)


def plan_page(*, user, hub: AuthorisedHub, fiscal_year: int) -> dict:
    """Everything the plan page shows: the plan (or None), its content by section with the
    comments, the targets table, the versions and the year's policy."""
    policy = policy_for(fiscal_year)
    indicators = plan_content.indicators_for(policy)
    plan = plan_for(user=user, hub=hub, fiscal_year=fiscal_year, draft=True)
    content = plan_content.normalize(plan_content.snapshot(plan) if plan else {}, indicators)
    plan_versions = versions(plan) if plan else []
    latest = plan_versions[-1] if plan_versions else None
    confirmed_version, shown = confirmations_shown(plan, latest)
    incomplete = ([n for n, _p, _lacks in measures.incomplete(content["priorities"])]
                  if plan is not None and plan.is_editable else [])
    return {
        "plan": plan,
        "policy": policy,
        "content": content,
        "sections": sections_with_comments(plan),
        "targets": target_rows(hub=hub, fiscal_year=fiscal_year, content=content,
                               indicators=indicators),
        "priorities": priority_rows(content["priorities"]),
        # Priority areas without a measure or a target: the plan is not confirmed so.
        "incomplete": incomplete,
        "incomplete_numbers": pgettext("between items of a list", ", ").join(
            str(n) for n in incomplete),
        "versions": plan_versions,
        "latest_version": latest,
        "confirmed_version": confirmed_version,
        "confirmations": shown,
        "month_labels": plan_content.month_labels(),
        "analysis_rows": [(label, content["analysis"][key])
                          for key, label in plan_content.analysis_labels().items()],
    }


# --- Differences between versions ------------------------------------------------------------
@dataclass(frozen=True)
class DiffLine:
    kind: str  # "+" added, "-" removed, " " unchanged
    text: str


def line_diff(old: list[str], new: list[str]) -> list[DiffLine]:
    lines = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines.extend(DiffLine(" ", text) for text in old[a1:a2])
            continue
        lines.extend(DiffLine("-", text) for text in old[a1:a2])
        lines.extend(DiffLine("+", text) for text in new[b1:b2])
    return lines


def section_diff(old_version: PlanVersion, new_version: PlanVersion
                 ) -> list[tuple[str, list[DiffLine]]]:
    """[(section label, lines)] comparing the plain-text renderings of two versions."""
    return [
        (str(label), line_diff(plan_content.render_section(old_version.content, key),
                               plan_content.render_section(new_version.content, key)))
        for key, label in SECTIONS
    ]


def comments_answered(new_version: PlanVersion, versions: dict[int, PlanVersion]
                      ) -> tuple[PlanVersion | None, list[PlanComment]]:
    """The version a submitted version answers (the one just before it) and the comments made
    on that one, oldest first: the bureau's return comment, and any comment made on it
    before the hub resubmitted. One query, none for a first version."""
    previous = versions.get(new_version.number - 1)
    if previous is None:
        return None, []
    return previous, list(PlanComment.objects.filter(on_version=previous)
                          .select_related("author").order_by("created_at", "pk"))


# --- The bureau's review queue ----------------------------------------------------------------
@dataclass
class QueueRow:
    hub: Hub
    plan: AnnualPlan | None
    status: str  # AnnualPlan.Status or "" when not started
    status_label: str
    submitted_at: datetime | None
    deadline: date | None

    @property
    def awaits_review(self) -> bool:
        return self.status in (AnnualPlan.Status.SUBMITTED, AnnualPlan.Status.IN_REVIEW)


def review_queue(*, user, fiscal_year: int) -> list[QueueRow]:
    """Every hub the user reviews plans of, with its plan's status for the year, when it was
    last submitted and the policy's deadline; plans awaiting review first. Three queries."""
    hub_ids = hub_access(user).hub_ids(REVIEW_PLAN)
    hubs = Hub.objects.select_related("bureau").order_by("jis_code")
    if hub_ids is not None:
        hubs = hubs.filter(pk__in=sorted(hub_ids))
    plans = (AnnualPlan.objects.for_user(user, REVIEW_PLAN).filter(fiscal_year=fiscal_year)
             .annotate(last_submitted_at=Max("versions__submitted_at")))
    by_hub = {plan.hub_id: plan for plan in plans}
    policy = policy_for(fiscal_year)
    deadline = policy.plan_deadline if policy else None
    rows = []
    for hub in hubs:
        plan = by_hub.get(hub.pk)
        rows.append(QueueRow(
            hub=hub, plan=plan, status=plan.status if plan else "",
            status_label=plan.get_status_display() if plan else _("Not started"),
            submitted_at=plan.last_submitted_at if plan else None, deadline=deadline,
        ))
    rows.sort(key=lambda r: (not r.awaits_review, r.submitted_at is None,
                             r.submitted_at or datetime.min, r.hub.jis_code))
    return rows



# --- Plan work (the home page) ----------------------------------------------------------------
HANDED_IN = (AnnualPlan.Status.SUBMITTED, AnnualPlan.Status.IN_REVIEW, AnnualPlan.Status.ACCEPTED)


def plans_past_deadline(*, user, fiscal_year: int, today: date | None = None) -> list[Hub]:
    """The hubs whose plans the user sees (VIEW_PLAN) that have not handed in the year's plan
    although the published activity policy's deadline has passed (期限超過): none started, a
    draft never submitted, or one returned and not submitted again. A plan reopened for a
    mid-year revision after its acceptance is not late. One query."""
    today = today or fiscal.today()
    deadline_passed = ActivityPolicy.objects.filter(
        fiscal_year=fiscal_year, published_at__isnull=False, plan_deadline__lt=today)
    handed_in = AnnualPlan.objects.filter(hub=OuterRef("pk"), fiscal_year=fiscal_year).filter(
        Q(status__in=HANDED_IN) | Q(versions__outcome="accepted"))
    return list(Hub.objects.for_user(user, VIEW_PLAN).filter(Exists(deadline_passed))
                .exclude(Exists(handed_in)).order_by("jis_code"))


def plans_to_draft(*, user, fiscal_year: int) -> list[Hub]:
    """The hubs where the user drafts the plan (EDIT_PLAN), each with the year's plan status
    and confirmations as `plan_status` (None for none), `chief_confirmed`, `org_confirmed`,
    and the published activity policy's deadline as `plan_deadline` (None before it is
    published). One query."""
    plan = AnnualPlan.objects.filter(hub=OuterRef("pk"), fiscal_year=fiscal_year)
    hubs = (Hub.objects.for_user(user, EDIT_PLAN).order_by("jis_code").annotate(
        plan_status=plan.values("status")[:1],
        chief_confirmed=Exists(plan.filter(chief_confirmed_at__isnull=False)),
        org_confirmed=Exists(plan.filter(org_confirmed_at__isnull=False)),
        plan_deadline=ActivityPolicy.objects.filter(
            fiscal_year=fiscal_year, published_at__isnull=False).values("plan_deadline")[:1]))
    return list(hubs)
