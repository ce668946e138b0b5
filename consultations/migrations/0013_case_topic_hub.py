"""Case.topics' link table gets a model of its own (CaseTopic) with the case's hub: the same
table and rows, the hub filled from each case. Its history table is renamed with it and keeps
its rows."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_hubs(apps, schema_editor):
    Case, CaseTopic = (apps.get_model("consultations", name) for name in ("Case", "CaseTopic"))
    CaseTopic.objects.update(hub_id=Subquery(Case.objects.filter(pk=OuterRef("case_id"))
                                             .values("hub_id")))


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0012_session_step_stands"),
        ("hubs", "0007_app_permissions_registered"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseTopic",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("case", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            to="consultations.case")),
                        ("topic", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            to="consultations.topic")),
                    ],
                    options={"db_table": "consultations_case_topics",
                             "unique_together": {("case", "topic")}},
                ),
                migrations.AlterField(
                    model_name="case",
                    name="topics",
                    field=models.ManyToManyField(related_name="cases",
                                                 through="consultations.CaseTopic",
                                                 to="consultations.topic",
                                                 verbose_name="topics"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="casetopic",
            name="hub",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="hubs.hub"),
        ),
        migrations.RunPython(fill_hubs, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="casetopic",
            name="hub",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="hubs.hub"),
        ),
        migrations.AddIndex(
            model_name="casetopic",
            index=models.Index(fields=["hub", "topic", "case"], name="consult_casetopic_hub_idx"),
        ),
        migrations.RenameModel(old_name="HistoricalCase_topics", new_name="HistoricalCaseTopic"),
        migrations.AlterModelOptions(
            name="historicalcasetopic",
            options={"verbose_name": "HistoricalCaseTopic"},
        ),
        migrations.AddField(
            model_name="historicalcasetopic",
            name="hub",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name="+", to="hubs.hub"),
        ),
        # The history's copies of the links' keys, as the history of a declared link table
        # has them (no tablespace of their own: nothing changes in the database).
        *[migrations.AlterField(
            model_name="historicalcasetopic",
            name=name,
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name="+", to=f"consultations.{name}"),
        ) for name in ("case", "topic")],
    ]
