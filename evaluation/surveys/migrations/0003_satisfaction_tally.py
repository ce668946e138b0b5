
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncMonth


def count_answers(apps, schema_editor):
    """The tally of the answers already stored (5 M sessions' worth: about 250,000 answers,
    a few seconds)."""
    answers = apps.get_model("surveys", "SatisfactionResponse")
    tally = apps.get_model("surveys", "SatisfactionTally")
    rows = (answers.objects.order_by().annotate(month=TruncMonth("answered_on"))
            .values("hub_id", "month", "overall").annotate(n=Count("*")))
    tally.objects.bulk_create((tally(hub_id=row["hub_id"], month=row["month"],
                                     overall=row["overall"], answers=row["n"])
                               for row in rows.iterator()), batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('hubs', '0007_app_permissions_registered'),
        ('surveys', '0002_period_count_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='SatisfactionTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('overall', models.PositiveSmallIntegerField()),
                ('answers', models.PositiveIntegerField()),
                ('hub', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hubs.hub')),
            ],
            options={
                'abstract': False,
                'indexes': [models.Index(fields=['month', 'hub'], name='surveys_sat_month_be5305_idx')],
                'constraints': [models.UniqueConstraint(fields=('hub', 'month', 'overall'), name='surveys_sat_tally_one_per_hub_month')],
            },
        ),
        migrations.RunPython(count_answers, migrations.RunPython.noop),
    ]
