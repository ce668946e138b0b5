"""Priority areas become measurable: the free text each had ("what it should achieve") is
kept as its description, and a measure, what it counts and a numeric target for the year are
added, empty until the hub chooses them (plans/measures.py). Frozen versions are left as
they were: plans/content.py reads a version without measures as one whose priorities have
their old text as the description and no measure."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0004_draft_content_removed"),
    ]

    operations = [
        migrations.RenameField(model_name="planpriority", old_name="target",
                               new_name="description"),
        migrations.AlterField(
            model_name="planpriority", name="description",
            field=models.CharField(blank=True, max_length=1000,
                                   verbose_name="what it should achieve"),
        ),
        migrations.AddField(
            model_name="planpriority", name="measure",
            field=models.CharField(blank=True, choices=[
                ("topic_sessions", "Sessions on chosen consultation topics"),
                ("milestones", "Milestones achieved by the hub's clients"),
                ("value_added_improved", "Share of supported clients whose value added rose"),
                ("value_added_change", "Rate of change of supported clients' value added")],
                max_length=30, verbose_name="measure"),
        ),
        migrations.AddField(
            model_name="planpriority", name="topics",
            field=models.JSONField(blank=True, default=list,
                                   verbose_name="consultation topics"),
        ),
        migrations.AddField(
            model_name="planpriority", name="milestone_kind",
            field=models.CharField(blank=True, max_length=30, verbose_name="kind of milestone"),
        ),
        migrations.AddField(
            model_name="planpriority", name="target",
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=12, null=True,
                                      verbose_name="target for the year"),
        ),
    ]
