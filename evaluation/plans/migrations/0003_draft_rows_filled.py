"""The working drafts move from AnnualPlan.content (JSON) into the columns and rows of 0002.
Frozen versions (PlanVersion.content) stay JSON and are not touched.

A collaboration whose agency is no longer in the hub's directory (deleted, or of another
hub) cannot become a row: its agency is a foreign key. Its text is not lost: it is appended
to the draft's initiatives under the agency's name as the draft kept it, in a paragraph
that starts with ORPHAN_HEADING. A draft that named the same agency twice gets one row with
both texts. Empty targets get no row (the draft reads as the skeleton without them). The
reverse rebuilds the JSON from the rows (appended paragraphs stay in the initiatives).

The plan's own code may not be imported here (it changes; a migration must not), so the
reading of the JSON is repeated in a small form below."""

from decimal import Decimal, InvalidOperation

from django.db import migrations

ANALYSIS = ("industry_mix", "agency_views", "notes")
MONTHS = 12
MAX_PRIORITIES = 5
ORPHAN_HEADING = "【連携先（支援機関の登録なし）】"
# The indicators counted by month (plans/indicators.py then); the others are yearly rates.
COUNTS = ("sessions", "new_clients")


def _decimal(value):
    """A target figure as the rows keep it (one decimal place), None when unreadable."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and abs(number) < Decimal("1e11") else None


def _number(value):
    if value is None:
        return None
    value = round(float(value), 1)
    return int(value) if value == int(value) else value


def _text(value) -> str:
    return str(value or "")


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _target_row(PlanTarget, plan, code, target):
    months = _list(target.get("months"))[:MONTHS]
    months += [None] * (MONTHS - len(months))
    return PlanTarget(plan=plan, code=str(code)[:30], year=_decimal(target.get("year")),
                      **{f"m{i + 1}": _decimal(v) for i, v in enumerate(months)})


def _is_empty(row) -> bool:
    return all(getattr(row, name) is None for name in ("year", *(f"m{i + 1}" for i in range(MONTHS))))


def _collaborations(Collaboration, agencies, plan, rows):
    """The rows for the draft's collaborations, and the paragraphs of those that have no
    agency of the hub any more."""
    by_agency, orphans = {}, []
    for row in rows:
        agency = agencies.get(row.get("agency_id"))
        text = _text(row.get("plan"))
        if agency is None or agency.hub_id != plan.hub_id:
            orphans.append(f"{ORPHAN_HEADING}{_text(row.get('name')) or '—'}\n{text}".rstrip())
        elif agency.pk in by_agency:
            kept = by_agency[agency.pk]
            kept.text = "\n".join(t for t in (kept.text, text) if t)
        else:
            by_agency[agency.pk] = Collaboration(plan=plan, hub_id=plan.hub_id, agency=agency,
                                                 position=len(by_agency) + 1, text=text)
    return list(by_agency.values()), orphans


def drafts_to_rows(apps, schema_editor):
    AnnualPlan = apps.get_model("plans", "AnnualPlan")
    PlanTarget = apps.get_model("plans", "PlanTarget")
    PlanPriority = apps.get_model("plans", "PlanPriority")
    Collaboration = apps.get_model("plans", "PlanCollaboration")
    agencies = {a.pk: a for a in apps.get_model("hubs", "SupportAgency").objects.all()}
    for plan in AnnualPlan.objects.all().iterator():
        content = _dict(plan.content)
        analysis = _dict(content.get("analysis"))
        for name in ANALYSIS:
            setattr(plan, f"analysis_{name}", _text(analysis.get(name)))
        targets = [_target_row(PlanTarget, plan, code, _dict(target))
                   for code, target in _dict(content.get("targets")).items()]
        PlanTarget.objects.bulk_create([t for t in targets if not _is_empty(t)])
        priorities = [p for p in _list(content.get("priorities")) if isinstance(p, dict)]
        PlanPriority.objects.bulk_create([
            PlanPriority(plan=plan, position=n, title=_text(p.get("title"))[:200],
                         target=_text(p.get("target"))[:500])
            for n, p in enumerate(priorities[:MAX_PRIORITIES], start=1)])
        rows, orphans = _collaborations(
            Collaboration, agencies, plan,
            [c for c in _list(content.get("collaboration")) if isinstance(c, dict)])
        Collaboration.objects.bulk_create(rows)
        plan.initiatives = "\n\n".join(
            t for t in (_text(content.get("initiatives")), *orphans) if t)
        plan.save(update_fields=[*(f"analysis_{n}" for n in ANALYSIS), "initiatives"])


def _target_json(row) -> dict:
    if row.code not in COUNTS:
        return {"year": _number(row.year)}
    return {"year": _number(row.year),
            "months": [_number(getattr(row, f"m{i + 1}")) for i in range(MONTHS)]}


def rows_to_drafts(apps, schema_editor):
    AnnualPlan = apps.get_model("plans", "AnnualPlan")
    plans = AnnualPlan.objects.prefetch_related("targets", "priorities",
                                                "collaborations__agency")
    for plan in plans.iterator(chunk_size=200):
        plan.content = {
            "analysis": {n: getattr(plan, f"analysis_{n}") for n in ANALYSIS},
            "targets": {t.code: _target_json(t) for t in plan.targets.all()},
            "priorities": [{"title": p.title, "target": p.target}
                           for p in sorted(plan.priorities.all(), key=lambda p: p.position)],
            "initiatives": plan.initiatives,
            "collaboration": [{"agency_id": c.agency_id, "name": c.agency.name, "plan": c.text}
                              for c in sorted(plan.collaborations.all(),
                                              key=lambda c: c.position)],
        }
        plan.save(update_fields=["content"])




class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0002_draft_as_rows"),
    ]

    operations = [
        migrations.RunPython(drafts_to_rows, rows_to_drafts, elidable=False),
    ]
