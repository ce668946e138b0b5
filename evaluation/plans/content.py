"""The content of an annual plan as one document with a part per section (see SECTIONS).

The working draft is kept in columns and rows (AnnualPlan.analysis_*, .initiatives, and the
PlanTarget, PlanPriority and PlanCollaboration rows); `snapshot(plan)` reads them as this
document. A submission freezes that document as PlanVersion.content (JSON), which is what the
diff, the plan page's history, the dashboards, the evidence pack and the Excel exports of
versions read. The document:

    analysis       {"industry_mix": str, "agency_views": str, "notes": str}
    targets        {code: {"year": n, "months": [12 numbers, April..March]}} for counts,
                   {code: {"year": percent}} for percentages (None where not set)
    priorities     [{"title": str, "description": str, "measure": str, "topics": [codes],
                     "milestone_kind": str, "target": number or None}], at most
                   MAX_PRIORITIES rows: a priority area, what it should achieve in words, and
                   how it is measured (plans/measures.py; "" and None until chosen).
                   Versions frozen before measures have {"title": str, "target": str}: the
                   old free text, read as the description (`normalize`), with no measure
    initiatives    str
    collaboration  [{"agency_id": int, "name": str, "plan": str}], agencies of the hub's
                   directory; the name is kept so that a frozen version still reads after
                   the agency is renamed or retired

Here: the empty skeleton, the document from the draft's rows, the edit page's field names
(priority_1_title, target_sessions_m1...: the formsets keep the names of the page before
them) to and from the document, and a plain-text rendering per section that the diff
between versions compares line by line."""

import copy
import json
from decimal import Decimal

from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils.dates import MONTHS as MONTHS_NAMES
from django.utils.translation import gettext as _

from . import measures
from .indicators import BY_CODE, STANDARD, Indicator
from .models import SECTIONS, PlanCollaboration, PlanPriority, PlanTarget

MAX_PRIORITIES = 5
MAX_COLLABORATIONS = 5
MONTHS = 12
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
ANALYSIS_FIELDS = ("industry_mix", "agency_views", "notes")
SECTION_KEYS = [key for key, _label in SECTIONS]
# What `snapshot` reads: prefetch it on a queryset of plans to read many drafts (or annotate
# the queryset `with_draft`, for one draft within the plan's own query).
DRAFT_PREFETCH = ("targets", "priorities", "collaborations__agency")


def month_labels() -> list[str]:
    """April to March, the months of a fiscal year."""
    return [str(MONTHS_NAMES[m]) for m in FISCAL_MONTHS]


def analysis_labels() -> dict[str, str]:
    return {"industry_mix": _("Industry mix of the region"),
            "agency_views": _("What the support agencies see"),
            "notes": _("Other observations")}


def indicators_for(policy=None) -> list[Indicator]:
    """The indicators a plan sets targets for: those the year's activity policy names, in its
    order, or all standard indicators when there is no policy (or it names none we know)."""
    chosen = []
    for entry in (getattr(policy, "indicators", None) or []):
        code = entry.get("code") if isinstance(entry, dict) else entry
        if code in BY_CODE and BY_CODE[code] not in chosen:
            chosen.append(BY_CODE[code])
    return chosen or list(STANDARD)


# --- The JSON document ------------------------------------------------------------------------
def empty_target(indicator: Indicator) -> dict:
    if indicator.is_count:
        return {"year": None, "months": [None] * MONTHS}
    return {"year": None}


def skeleton(indicators: list[Indicator] | None = None) -> dict:
    indicators = indicators or list(STANDARD)
    return {
        "analysis": dict.fromkeys(ANALYSIS_FIELDS, ""),
        "targets": {i.code: empty_target(i) for i in indicators},
        "priorities": [],
        "initiatives": "",
        "collaboration": [],
    }


def normalize(content: dict | None, indicators: list[Indicator] | None = None) -> dict:
    """The content with every part present, so templates and renderings never guess. Targets
    of indicators outside `indicators` are kept (an older plan may have them)."""
    content = copy.deepcopy(content or {})
    result = skeleton(indicators)
    analysis = content.get("analysis") or {}
    result["analysis"] = {f: str(analysis.get(f) or "") for f in ANALYSIS_FIELDS}
    for code, target in (content.get("targets") or {}).items():
        indicator = BY_CODE.get(code)
        if indicator is None or not isinstance(target, dict):
            continue
        value = empty_target(indicator)
        value["year"] = target.get("year")
        if indicator.is_count:
            months = list(target.get("months") or [])[:MONTHS]
            value["months"] = months + [None] * (MONTHS - len(months))
        result["targets"][code] = value
    result["priorities"] = [normalize_priority(p) for p in
                            (content.get("priorities") or [])[:MAX_PRIORITIES]
                            if isinstance(p, dict)]
    result["initiatives"] = str(content.get("initiatives") or "")
    result["collaboration"] = [
        {"agency_id": c.get("agency_id"), "name": str(c.get("name") or ""),
         "plan": str(c.get("plan") or "")}
        for c in (content.get("collaboration") or []) if isinstance(c, dict)
    ]
    return result


PRIORITY_FIELDS = ("title", "description", "measure", "topics", "milestone_kind", "target")


def normalize_priority(priority: dict) -> dict:
    """A priority with every key: a version frozen before measures (no "description") has its
    free text under "target", which becomes the description, with no measure."""
    if "description" not in priority:
        return {**dict.fromkeys(PRIORITY_FIELDS, ""), "topics": [], "target": None,
                "title": str(priority.get("title") or ""),
                "description": str(priority.get("target") or "")}
    topics = priority.get("topics") or []
    if isinstance(topics, str):  # SQLite's JSON object of a draft row holds it as text
        topics = json.loads(topics)
    measure = priority.get("measure") or ""
    return {
        "title": str(priority.get("title") or ""),
        "description": str(priority.get("description") or ""),
        "measure": measure if measure in PlanPriority.Measure.values else "",
        "topics": list(dict.fromkeys(str(c) for c in topics if isinstance(c, str))),
        "milestone_kind": str(priority.get("milestone_kind") or ""),
        "target": _priority_target(priority.get("target")),
    }


def _priority_target(value):
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return _number(value)


def targets_from_rows(rows) -> dict:
    """{code: target} from PlanTarget rows, as the document has them; empty targets and
    codes no indicator has any more are left to `normalize`."""
    targets = {}
    for row in rows:
        indicator = BY_CODE.get(row.code)
        if indicator is None:
            continue
        targets[row.code] = {"year": _number(row.year)}
        if indicator.is_count:
            targets[row.code]["months"] = [_number(m) for m in row.months]
    return targets


class _JSONArrayAgg(Aggregate):
    """The rows' JSON objects as one JSON array: jsonb_agg (jsonb: Django reads it as text
    and decodes it, as JSONField expects), json_group_array on SQLite."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


def _rows_json(model, **fields) -> Subquery:
    rows = (model.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
            .annotate(rows=_JSONArrayAgg(JSONObject(**fields))).values("rows"))
    return Subquery(rows, output_field=JSONField())


def draft_priorities_json() -> Subquery:
    """The draft's priority rows as one JSON array, a subquery of a plans queryset; read
    them with `priorities_from_json`."""
    return _rows_json(PlanPriority, position="position",
                      **{name: name for name in PRIORITY_FIELDS})


def priorities_from_json(rows) -> list[dict]:
    """The document's priorities from `draft_priorities_json`'s rows, in their order."""
    return normalize({"priorities": [{name: row.get(name) for name in PRIORITY_FIELDS}
                                     for row in sorted(rows or [], key=_position)]}
                     )["priorities"]


def with_draft(queryset):
    """The plans with their draft's rows read in the same query (one JSON subquery per
    table), so that a page showing a draft stays within its query budget."""
    months = {name: name for name in PlanTarget.MONTH_FIELDS}
    return queryset.annotate(
        draft_targets=_rows_json(PlanTarget, code="code", year="year", **months),
        draft_priorities=draft_priorities_json(),
        draft_collaborations=_rows_json(PlanCollaboration, position="position",
                                        agency_id="agency_id", name="agency__name",
                                        text="text"))


def _rows(plan, name: str, model, *related: str) -> list:
    """The draft's rows of one table: from `with_draft`'s JSON, from the prefetch (lists of
    plans prefetch DRAFT_PREFETCH), or else queried."""
    annotated = getattr(plan, f"draft_{name}", False)
    if annotated is not False:
        return [model(**row) for row in sorted(annotated or [], key=_position)]
    if name in getattr(plan, "_prefetched_objects_cache", {}):
        return list(getattr(plan, name).all())
    return list(getattr(plan, name).select_related(*related))


def _position(row: dict) -> int:
    return row.get("position") or 0


def _collaborations(plan) -> list[dict]:
    if getattr(plan, "draft_collaborations", False) is not False:
        rows = sorted(plan.draft_collaborations or [], key=_position)
        return [{"agency_id": r["agency_id"], "name": r["name"], "plan": r["text"]}
                for r in rows]
    return [{"agency_id": c.agency_id, "name": c.agency.name, "plan": c.text}
            for c in _rows(plan, "collaborations", PlanCollaboration, "agency")]


def snapshot(plan) -> dict:
    """The draft's columns and rows as the document (normalized): what a submission freezes,
    what an edit is compared with. Collaborations carry the agency's current name."""
    return normalize({
        "analysis": {f: getattr(plan, analysis_field(f)) for f in ANALYSIS_FIELDS},
        "targets": targets_from_rows(_rows(plan, "targets", PlanTarget)),
        "priorities": [{name: getattr(p, name) for name in PRIORITY_FIELDS}
                       for p in _rows(plan, "priorities", PlanPriority)],
        "initiatives": plan.initiatives,
        "collaboration": _collaborations(plan),
    })


def is_empty_target(target: dict) -> bool:
    return target.get("year") is None and all(m is None for m in target.get("months") or [])


def year_target(content: dict, code: str):
    return ((content.get("targets") or {}).get(code) or {}).get("year")


# --- Form field names <-> JSON ----------------------------------------------------------------
def analysis_field(name: str) -> str:
    return f"analysis_{name}"


def target_year_field(code: str) -> str:
    return f"target_{code}_year"


def target_month_field(code: str, index: int) -> str:
    """index 0 is April."""
    return f"target_{code}_m{index + 1}"


def priority_fields(index: int) -> tuple[str, ...]:
    """The n-th priority's fields, in PRIORITY_FIELDS' order (priority_1_title ...)."""
    return tuple(f"priority_{index + 1}_{name}" for name in PRIORITY_FIELDS)


def collaboration_fields(index: int) -> tuple[str, str]:
    return f"collab_{index + 1}_agency", f"collab_{index + 1}_plan"


def to_initial(content: dict, indicators: list[Indicator]) -> dict:
    """The plan's content as the edit form's initial values."""
    content = normalize(content, indicators)
    initial = {analysis_field(f): content["analysis"][f] for f in ANALYSIS_FIELDS}
    for indicator in indicators:
        target = content["targets"][indicator.code]
        initial[target_year_field(indicator.code)] = target["year"]
        if indicator.is_count:
            for i, value in enumerate(target["months"]):
                initial[target_month_field(indicator.code, i)] = value
    for i, row in enumerate(content["priorities"]):
        for name, field in zip(PRIORITY_FIELDS, priority_fields(i), strict=True):
            initial[field] = row[name]
    initial["initiatives"] = content["initiatives"]
    for i, row in enumerate(content["collaboration"][:MAX_COLLABORATIONS]):
        agency, plan = collaboration_fields(i)
        initial[agency], initial[plan] = row["agency_id"], row["plan"]
    return initial


def _number(value):
    """JSON keeps whole numbers as integers and rates to one decimal place."""
    if value is None:
        return None
    value = round(float(value), 1)
    return int(value) if value == int(value) else value


def from_cleaned(cleaned: dict, indicators: list[Indicator]) -> dict:
    """The edit form's cleaned data as content. A count's year target is the sum of its
    months when any month is given; empty priority and collaboration rows are dropped."""
    content = skeleton(indicators)
    content["analysis"] = {f: (cleaned.get(analysis_field(f)) or "").strip()
                           for f in ANALYSIS_FIELDS}
    for indicator in indicators:
        year = _number(cleaned.get(target_year_field(indicator.code)))
        if indicator.is_count:
            months = [_number(cleaned.get(target_month_field(indicator.code, i)))
                      for i in range(MONTHS)]
            if any(m is not None for m in months):
                year = sum(m or 0 for m in months)
            content["targets"][indicator.code] = {"year": year, "months": months}
        else:
            content["targets"][indicator.code] = {"year": year}
    for i in range(MAX_PRIORITIES):
        row = dict(zip(PRIORITY_FIELDS, (cleaned.get(name) for name in priority_fields(i)),
                       strict=True))
        row = normalize_priority({
            **{name: (row[name] or "").strip() for name in ("title", "description",
                                                              "measure", "milestone_kind")},
            "topics": list(row["topics"] or []), "target": row["target"]})
        if row["title"] or row["description"] or row["measure"] or row["target"] is not None:
            content["priorities"].append(row)
    content["initiatives"] = (cleaned.get("initiatives") or "").strip()
    for i in range(MAX_COLLABORATIONS):
        agency_name, plan_name = collaboration_fields(i)
        agency = cleaned.get(agency_name)
        plan = (cleaned.get(plan_name) or "").strip()
        if agency is not None:
            content["collaboration"].append(
                {"agency_id": agency.pk, "name": agency.name, "plan": plan})
    return content


# --- Plain text, for the diff and the conflict screen ----------------------------------------
def _text_lines(text: str) -> list[str]:
    return [line.rstrip() for line in (text or "").splitlines() if line.strip()]


def _fmt(value) -> str:
    return "—" if value is None or value == "" else f"{value:,}" if isinstance(
        value, int) else str(value)


def render_section(content: dict, section: str) -> list[str]:
    """One section as lines of plain text, in the current language."""
    content = normalize(content)
    if section == "analysis":
        lines = []
        for name, label in analysis_labels().items():
            lines.append(f"【{label}】")
            lines.extend(_text_lines(content["analysis"][name]) or ["—"])
        return lines
    if section == "targets":
        lines = []
        year_word, by_month = _("Year total"), _("by month")
        for code, target in content["targets"].items():
            indicator = BY_CODE[code]
            if indicator.is_count:
                lines.append(f"{indicator.label}: {year_word} {_fmt(target['year'])}")
                if any(m is not None for m in target["months"]):
                    months = " / ".join(f"{label} {_fmt(m)}" for label, m in
                                        zip(month_labels(), target["months"], strict=True))
                    lines.append(f"{indicator.label} ({by_month}): {months}")
            else:
                value = "—" if target["year"] is None else f"{_fmt(target['year'])}%"
                lines.append(f"{indicator.label}: {value}")
        return lines
    if section == "priorities":
        return _priority_lines(content["priorities"]) or ["—"]
    if section == "initiatives":
        return _text_lines(content["initiatives"]) or ["—"]
    if section == "collaboration":
        lines = []
        for row in content["collaboration"]:
            plan = _text_lines(row["plan"]) or ["—"]
            lines.append(f"{row['name']}: {plan[0]}")
            lines.extend(f"    {line}" for line in plan[1:])
        return lines or ["—"]
    raise ValueError(section)


def _priority_lines(priorities: list[dict]) -> list[str]:
    """Each priority's title and description, then (when it has any) its measure and target
    on a line of their own: a version frozen before measures shows only the first line."""
    names = measures.topic_names(measures.topics_in(priorities)) if measures.topics_in(
        priorities) else {}
    lines = []
    for n, row in enumerate(priorities, start=1):
        lines.append(f"{n}. {row['title']} — {row['description']}")
        if row["measure"] or row["target"] is not None:
            lines.append("    " + _("Measure: %(measure)s; target for the year: %(target)s") % {
                "measure": measures.describe(row, names) or "—",
                "target": measures.format_target(row)})
    return lines


def render_text(content: dict, section: str) -> str:
    return "\n".join(render_section(content, section))
