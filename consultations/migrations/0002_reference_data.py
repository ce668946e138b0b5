from django.db import migrations

from consultations.reference import reference_load


def load(apps, schema_editor):
    reference_load(apps.get_model("consultations", "Topic"),
                   apps.get_model("consultations", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
