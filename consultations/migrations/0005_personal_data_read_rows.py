"""Exports in the personal-data read log: one row per file, with its row count and filters."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0004_retention'),
    ]

    operations = [
        migrations.AddField(
            model_name='personaldataread',
            name='detail',
            field=models.CharField(blank=True, max_length=500, verbose_name='detail'),
        ),
        migrations.AddField(
            model_name='personaldataread',
            name='rows',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='rows'),
        ),
    ]
