"""Annual plans and the activity policy leave the evaluation app for their own (plans).
State only: the tables keep their names; evaluation 0006 forgets the models there."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('evaluation', '0005_plan_confirmations_kept'),
        ('hubs', '0007_app_permissions_registered'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables are the evaluation app's, kept with their names (Meta.db_table): only
        # Django's record of which app owns the models changes, no row moves.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ActivityPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fiscal_year', models.PositiveSmallIntegerField(unique=True, verbose_name='fiscal year')),
                        ('priority_themes', models.TextField(verbose_name='priority themes')),
                        ('indicators', models.JSONField(default=list, verbose_name='standard indicators')),
                        ('plan_deadline', models.DateField(verbose_name='plan deadline')),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'activity policy',
                        'verbose_name_plural': 'activity policies',
                        'db_table': 'evaluation_activitypolicy',
                        'ordering': ['-fiscal_year'],
                    },
                ),
                migrations.CreateModel(
                    name='AnnualPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='fiscal year')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('in_review', 'Under bureau review'), ('returned', 'Returned for revision'), ('accepted', 'Accepted')], default='draft', max_length=20, verbose_name='status')),
                        ('content', models.JSONField(default=dict)),
                        ('chief_confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('org_confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('chief_confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('hub', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='hubs.hub', verbose_name='hub')),
                        ('org_confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'annual plan',
                        'verbose_name_plural': 'annual plans',
                        'db_table': 'evaluation_annualplan',
                        'ordering': ['-fiscal_year', 'hub__jis_code'],
                    },
                ),
                migrations.CreateModel(
                    name='PlanVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField()),
                        ('content', models.JSONField()),
                        ('submitted_at', models.DateTimeField(auto_now_add=True)),
                        ('chief_confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('org_confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('outcome', models.CharField(blank=True, max_length=20)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('chief_confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('org_confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='plans.annualplan')),
                        ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'evaluation_planversion',
                        'ordering': ['plan', 'number'],
                    },
                ),
                migrations.CreateModel(
                    name='PlanNotification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event', models.CharField(max_length=20)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='plans.planversion')),
                    ],
                    options={
                        'db_table': 'evaluation_plannotification',
                    },
                ),
                migrations.CreateModel(
                    name='PlanComment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('section', models.CharField(choices=[('analysis', 'Regional analysis'), ('targets', 'Targets for the standard indicators'), ('priorities', 'Priority areas'), ('initiatives', 'Initiatives'), ('collaboration', 'Collaboration with support agencies')], max_length=20, verbose_name='section')),
                        ('text', models.TextField(verbose_name='comment')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='plans.annualplan')),
                        ('on_version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='plans.planversion')),
                    ],
                    options={
                        'db_table': 'evaluation_plancomment',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='annualplan',
                    index=models.Index(fields=['fiscal_year', 'status'], name='evaluation__fiscal__eec88c_idx'),
                ),
                migrations.AddConstraint(
                    model_name='annualplan',
                    constraint=models.UniqueConstraint(fields=('hub', 'fiscal_year'), name='plans_one_per_hub_year'),
                ),
                migrations.AddConstraint(
                    model_name='planversion',
                    constraint=models.UniqueConstraint(fields=('plan', 'number'), name='plans_version_unique'),
                ),
                migrations.AddConstraint(
                    model_name='plannotification',
                    constraint=models.UniqueConstraint(fields=('version', 'event'), name='plans_one_notification_per_event'),
                ),
                migrations.AddIndex(
                    model_name='plancomment',
                    index=models.Index(fields=['plan', 'section'], name='evaluation__plan_id_09d578_idx'),
                ),
            ],
        ),
    ]
