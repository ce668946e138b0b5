"""Retention of personal data: when a client was anonymised, and the audit of what was done
with a client's data (exports, anonymisations)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0003_client_name_key'),
        ('hubs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='anonymised_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='anonymised at'),
        ),
        migrations.CreateModel(
            name='ClientDataAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('exported', 'Data exported (disclosure request)'), ('anonymised', 'Anonymised on request'), ('expired', 'Anonymised after the retention period')], max_length=20, verbose_name='action')),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='date and time')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by')),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='data_actions', to='consultations.client', verbose_name='client')),
                ('hub', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hubs.hub', verbose_name='hub')),
            ],
            options={
                'verbose_name': 'personal-data action',
                'verbose_name_plural': 'personal-data actions',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['client', '-at'], name='consultatio_client__481a2c_idx')],
            },
        ),
    ]
