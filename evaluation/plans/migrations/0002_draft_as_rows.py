"""The working draft of a plan moves from AnnualPlan.content (JSON) into columns and rows:
the analysis and the initiatives as columns, the targets, priorities and collaborations as
PlanTarget, PlanPriority and PlanCollaboration rows (0003 then drops the JSON). Frozen versions (PlanVersion.content)
stay JSON and are not touched.

A collaboration whose agency is no longer in the hub's directory (deleted, or of another
hub) cannot become a row: its agency is a foreign key. Its text is not lost: it is appended
to the draft's initiatives under the agency's name as the draft kept it, in a paragraph
that starts with ORPHAN_HEADING. A draft that named the same agency twice gets one row with
both texts. The reverse rebuilds the JSON from the rows (appended paragraphs stay in the
initiatives).

The plan's own code may not be imported here (it changes; a migration must not), so the
reading of the JSON is repeated in a small form below."""

from decimal import Decimal, InvalidOperation

import django.db.models.deletion
from django.db import migrations, models

ANALYSIS = ("industry_mix", "agency_views", "notes")
MONTHS = 12
MAX_PRIORITIES = 5
ORPHAN_HEADING = "【連携先（支援機関の登録なし）】"
# The indicators counted by month (plans/indicators.py then); the others are yearly rates.
COUNTS = ("sessions", "new_clients")

# The collaborating agency must be of the plan's hub: both composite foreign keys go through
# PlanCollaboration.hub. The unique (id, hub_id) pairs they point at are implied by the
# primary keys; PostgreSQL still wants them declared. Deferred like Django's own keys.
SAME_HUB_SQL = [
    "ALTER TABLE evaluation_annualplan ADD CONSTRAINT plans_annualplan_id_hub "
    "UNIQUE (id, hub_id)",
    "ALTER TABLE hubs_supportagency ADD CONSTRAINT plans_supportagency_id_hub "
    "UNIQUE (id, hub_id)",
    "ALTER TABLE evaluation_plancollaboration ADD CONSTRAINT plans_collaboration_plan_hub "
    "FOREIGN KEY (plan_id, hub_id) REFERENCES evaluation_annualplan (id, hub_id) "
    "DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE evaluation_plancollaboration ADD CONSTRAINT plans_collaboration_agency_hub "
    "FOREIGN KEY (agency_id, hub_id) REFERENCES hubs_supportagency (id, hub_id) "
    "DEFERRABLE INITIALLY DEFERRED",
]
SAME_HUB_REVERSE_SQL = [
    "ALTER TABLE evaluation_plancollaboration DROP CONSTRAINT plans_collaboration_agency_hub",
    "ALTER TABLE evaluation_plancollaboration DROP CONSTRAINT plans_collaboration_plan_hub",
    "ALTER TABLE hubs_supportagency DROP CONSTRAINT plans_supportagency_id_hub",
    "ALTER TABLE evaluation_annualplan DROP CONSTRAINT plans_annualplan_id_hub",
]


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
        PlanTarget.objects.bulk_create(targets)
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
        ('hubs', '0007_app_permissions_registered'),
        ('plans', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='annualplan',
            name='analysis_agency_views',
            field=models.TextField(blank=True, verbose_name='what the support agencies see'),
        ),
        migrations.AddField(
            model_name='annualplan',
            name='analysis_industry_mix',
            field=models.TextField(blank=True, verbose_name='industry mix of the region'),
        ),
        migrations.AddField(
            model_name='annualplan',
            name='analysis_notes',
            field=models.TextField(blank=True, verbose_name='other observations'),
        ),
        migrations.AddField(
            model_name='annualplan',
            name='initiatives',
            field=models.TextField(blank=True, verbose_name='initiatives'),
        ),
        migrations.CreateModel(
            name='PlanCollaboration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField()),
                ('text', models.TextField(blank=True, verbose_name='what you plan together')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plan_collaborations', to='hubs.supportagency', verbose_name='support agency')),
                ('hub', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hubs.hub')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='collaborations', to='plans.annualplan')),
            ],
            options={
                'verbose_name': 'collaboration with a support agency',
                'verbose_name_plural': 'collaborations with support agencies',
                'db_table': 'evaluation_plancollaboration',
                'ordering': ['plan', 'position'],
                'constraints': [models.UniqueConstraint(fields=('plan', 'agency'), name='plans_one_collaboration_per_agency'), models.UniqueConstraint(fields=('plan', 'position'), name='plans_one_collaboration_per_position'), models.CheckConstraint(condition=models.Q(('position__gte', 1)), name='plans_collaboration_position_from_one')],
            },
        ),
        migrations.CreateModel(
            name='PlanPriority',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField()),
                ('title', models.CharField(blank=True, max_length=200, verbose_name='area')),
                ('target', models.CharField(blank=True, max_length=500, verbose_name='what it should achieve')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='priorities', to='plans.annualplan')),
            ],
            options={
                'verbose_name': 'priority area',
                'verbose_name_plural': 'priority areas',
                'db_table': 'evaluation_planpriority',
                'ordering': ['plan', 'position'],
                'constraints': [models.UniqueConstraint(fields=('plan', 'position'), name='plans_one_priority_per_position'), models.CheckConstraint(condition=models.Q(('position__gte', 1)), name='plans_priority_position_from_one')],
            },
        ),
        migrations.CreateModel(
            name='PlanTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=30, verbose_name='indicator')),
                ('year', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True, verbose_name='year')),
                ('m1', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m2', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m3', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m4', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m5', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m6', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m7', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m8', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m9', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m10', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m11', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('m12', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True)),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='plans.annualplan')),
            ],
            options={
                'verbose_name': 'plan target',
                'verbose_name_plural': 'plan targets',
                'db_table': 'evaluation_plantarget',
                'ordering': ['plan', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('plan', 'code'), name='plans_one_target_per_indicator')],
            },
        ),
        migrations.RunSQL(SAME_HUB_SQL, SAME_HUB_REVERSE_SQL),
        migrations.RunPython(drafts_to_rows, rows_to_drafts, elidable=False),
    ]
