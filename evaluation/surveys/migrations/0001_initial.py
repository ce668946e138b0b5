"""The surveys leave the evaluation app for their own (surveys). State only: the tables
keep their names; evaluation 0006 forgets the models there."""

import django.core.validators
import django.db.models.deletion
import evaluation.surveys.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('evaluation', '0005_plan_confirmations_kept'),
        ('consultations', '0005_personal_data_read_rows'),
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
                    name='AgencySurvey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='fiscal year')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('message', models.TextField(blank=True, verbose_name='message to the agencies')),
                        ('deadline', models.DateField(verbose_name='answer by')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('open', 'Open for answers'), ('closed', 'Closed')], default='draft', max_length=20, verbose_name='status')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('opened_at', models.DateTimeField(blank=True, null=True)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('reminders_sent', models.PositiveSmallIntegerField(default=0)),
                        ('last_reminded_on', models.DateField(blank=True, null=True)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('hub', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agency_surveys', to='hubs.hub', verbose_name='hub')),
                    ],
                    options={
                        'verbose_name': 'regional support-agency survey',
                        'verbose_name_plural': 'regional support-agency surveys',
                        'db_table': 'evaluation_agencysurvey',
                        'ordering': ['-fiscal_year', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='AgencyResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('agency_kind', models.CharField(choices=[('chamber', 'Chamber of commerce and industry'), ('shokokai', 'Society of commerce and industry'), ('financial', 'Financial institution'), ('guarantee', 'Credit guarantee corporation'), ('professional', 'Licensed professional'), ('municipality', 'Local government'), ('research', 'Public research institute'), ('sme_center', 'SME support center'), ('other', 'Other')], max_length=20, verbose_name='type of agency')),
                        ('answered_on', models.DateField()),
                        ('collaboration', models.PositiveSmallIntegerField(choices=[(5, '5 (very much)'), (4, '4'), (3, '3'), (2, '2'), (1, '1 (not at all)')], validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='How well does your organization work together with the hub?')),
                        ('usefulness', models.PositiveSmallIntegerField(choices=[(5, '5 (very much)'), (4, '4'), (3, '3'), (2, '2'), (1, '1 (not at all)')], validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name="How useful is the hub's support to the businesses you serve?")),
                        ('referrals', models.PositiveSmallIntegerField(choices=[(5, '5 (very much)'), (4, '4'), (3, '3'), (2, '2'), (1, '1 (not at all)')], validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name="How good are the hub's referrals and hand-overs to you?")),
                        ('accessibility', models.PositiveSmallIntegerField(choices=[(5, '5 (very much)'), (4, '4'), (3, '3'), (2, '2'), (1, '1 (not at all)')], validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='How easy is it to contact and consult the hub?')),
                        ('requests', models.TextField(blank=True, verbose_name='What would you like the hub to do or change?')),
                        ('good_practice', models.TextField(blank=True, verbose_name='Examples of good collaboration with the hub')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='surveys.agencysurvey')),
                    ],
                    options={
                        'verbose_name': 'support-agency survey answer',
                        'db_table': 'evaluation_agencyresponse',
                    },
                ),
                migrations.CreateModel(
                    name='AgencyInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('salt', models.CharField(default=evaluation.surveys.models._salt, editable=False, max_length=32)),
                        ('generation', models.PositiveSmallIntegerField(default=0)),
                        ('token_hash', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                        ('email', models.EmailField(max_length=254, verbose_name='email')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('send_attempts', models.PositiveSmallIntegerField(default=0)),
                        ('send_error', models.CharField(blank=True, max_length=300)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('opened_at', models.DateTimeField(blank=True, null=True)),
                        ('answered_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('reminders_sent', models.PositiveSmallIntegerField(default=0)),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hubs.supportagency')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='surveys.agencysurvey')),
                    ],
                    options={
                        'verbose_name': 'support-agency survey invitation',
                        'db_table': 'evaluation_agencyinvitation',
                    },
                ),
                migrations.CreateModel(
                    name='SatisfactionInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('salt', models.CharField(default=evaluation.surveys.models._salt, editable=False, max_length=32)),
                        ('generation', models.PositiveSmallIntegerField(default=0)),
                        ('token_hash', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                        ('email', models.EmailField(max_length=254, verbose_name='email')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('send_attempts', models.PositiveSmallIntegerField(default=0)),
                        ('send_error', models.CharField(blank=True, max_length=300)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('opened_at', models.DateTimeField(blank=True, null=True)),
                        ('answered_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='satisfaction_invitation', to='consultations.case')),
                        ('coordinator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('hub', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hubs.hub')),
                    ],
                    options={
                        'verbose_name': 'satisfaction survey invitation',
                        'db_table': 'evaluation_satisfactioninvitation',
                    },
                ),
                migrations.CreateModel(
                    name='SatisfactionResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('answered_on', models.DateField()),
                        ('overall', models.PositiveSmallIntegerField(choices=[(5, '5 (very much)'), (4, '4'), (3, '3'), (2, '2'), (1, '1 (not at all)')], validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name="Overall, how satisfied are you with the hub's support?")),
                        ('understanding', models.PositiveSmallIntegerField(choices=[(5, '5 (very much)'), (4, '4'), (3, '3'), (2, '2'), (1, '1 (not at all)')], validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='Did the coordinator understand your business and its problems?')),
                        ('usefulness', models.PositiveSmallIntegerField(choices=[(5, '5 (very much)'), (4, '4'), (3, '3'), (2, '2'), (1, '1 (not at all)')], validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='Were the proposals and advice useful?')),
                        ('speed', models.PositiveSmallIntegerField(choices=[(5, '5 (very much)'), (4, '4'), (3, '3'), (2, '2'), (1, '1 (not at all)')], validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='Did the hub respond promptly?')),
                        ('recommend', models.PositiveSmallIntegerField(choices=[(5, '5 (very much)'), (4, '4'), (3, '3'), (2, '2'), (1, '1 (not at all)')], validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='Would you recommend the hub to other businesses?')),
                        ('comment', models.TextField(blank=True, verbose_name='Anything else you would like to tell us')),
                        ('coordinator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('hub', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hubs.hub')),
                    ],
                    options={
                        'verbose_name': 'satisfaction survey answer',
                        'db_table': 'evaluation_satisfactionresponse',
                    },
                ),
                migrations.AddIndex(
                    model_name='agencysurvey',
                    index=models.Index(fields=['hub', '-fiscal_year'], name='evaluation__hub_id_f49d80_idx'),
                ),
                migrations.AddIndex(
                    model_name='agencyresponse',
                    index=models.Index(fields=['survey', 'answered_on'], name='evaluation__survey__db4e35_idx'),
                ),
                migrations.AddIndex(
                    model_name='agencyinvitation',
                    index=models.Index(fields=['survey', 'sent_at'], name='evaluation__survey__5c7afa_idx'),
                ),
                migrations.AddConstraint(
                    model_name='agencyinvitation',
                    constraint=models.UniqueConstraint(fields=('survey', 'agency'), name='surveys_one_invitation_per_agency'),
                ),
                migrations.AddIndex(
                    model_name='satisfactioninvitation',
                    index=models.Index(fields=['hub', '-created_at'], name='evaluation__hub_id_af9672_idx'),
                ),
                migrations.AddIndex(
                    model_name='satisfactioninvitation',
                    index=models.Index(condition=models.Q(('sent_at__isnull', True)), fields=['sent_at'], name='surveys_sat_unsent_idx'),
                ),
                migrations.AddIndex(
                    model_name='satisfactionresponse',
                    index=models.Index(fields=['hub', 'answered_on'], name='evaluation__hub_id_d5a52e_idx'),
                ),
                migrations.AddIndex(
                    model_name='satisfactionresponse',
                    index=models.Index(fields=['coordinator', 'answered_on'], name='evaluation__coordin_0d0b40_idx'),
                ),
            ],
        ),
    ]
