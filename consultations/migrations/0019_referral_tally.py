import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncMonth


def count_referrals(apps, schema_editor):
    """The tally of the referrals already stored (100,000 at national scale: seconds)."""
    referrals = apps.get_model("consultations", "Referral")
    tally = apps.get_model("consultations", "ReferralTally")
    rows = (referrals.objects.order_by().annotate(month=TruncMonth("follow_up_due"))
            .values("hub_id", "month", "status").annotate(n=Count("*")))
    tally.objects.bulk_create((tally(hub_id=row["hub_id"], month=row["month"],
                                     status=row["status"], referrals=row["n"])
                               for row in rows.iterator()), batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0018_client_tally'),
        ('hubs', '0007_app_permissions_registered'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReferralTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('status', models.CharField(choices=[('sent', 'Sent'), ('acknowledged', 'Acknowledged'), ('acting', 'Agency acting'), ('reported', 'Reported back'), ('closed', 'Closed'), ('lapsed', 'Lapsed')], max_length=20)),
                ('referrals', models.PositiveIntegerField()),
                ('hub', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hubs.hub')),
            ],
            options={
                'abstract': False,
                'indexes': [models.Index(fields=['month', 'hub'], name='consultatio_month_949f05_idx')],
                'constraints': [models.UniqueConstraint(fields=('hub', 'month', 'status'), name='consult_referral_tally_one_per_hub_month')],
            },
        ),
        migrations.RunPython(count_referrals, migrations.RunPython.noop),
    ]
