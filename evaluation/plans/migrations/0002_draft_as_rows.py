"""The working draft of a plan gets columns and tables of its own: the analysis and the
initiatives as columns of the plan, the targets, priorities and collaborations as PlanTarget,
PlanPriority and PlanCollaboration rows. 0003 fills them from the JSON drafts and 0004 drops
the JSON; three migrations, each its own transaction, because PostgreSQL refuses to alter a
table while checks of deferred foreign keys of rows written in the same transaction are
pending (Django adds a new table's foreign keys at the end of its migration)."""

import django.db.models.deletion
from django.db import migrations, models

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


def _on_postgresql(statements):
    """SQLite (the development default) cannot add constraints to an existing table: there the
    plan service's and the form's checks are the only guard (plans/services.py)."""
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)
    return run



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
                'default_permissions': (),
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
                'default_permissions': (),
                'ordering': ['plan', 'position'],
                'constraints': [models.UniqueConstraint(fields=('plan', 'position'), name='plans_one_priority_per_position'), models.CheckConstraint(condition=models.Q(('position__gte', 1)), name='plans_priority_position_from_one')],
            },
        ),
        migrations.CreateModel(
            name='PlanTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=30, verbose_name='indicator')),
                ('year', models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True, verbose_name="year's target")),
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
                'default_permissions': (),
                'ordering': ['plan', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('plan', 'code'), name='plans_one_target_per_indicator')],
            },
        ),
        migrations.RunPython(_on_postgresql(SAME_HUB_SQL), _on_postgresql(SAME_HUB_REVERSE_SQL)),
    ]
