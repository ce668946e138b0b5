"""The business name as the quick log's duplicate check compares it, filled in for the clients
registered so far."""

from django.db import migrations, models

import consultations.models
from consultations.validators import client_name_key


def fill_name_keys(apps, schema_editor):
    Client = apps.get_model("consultations", "Client")
    batch = []
    for client in Client.objects.only("pk", "name").order_by("pk").iterator(chunk_size=2000):
        client.name_key = client_name_key(client.name)
        batch.append(client)
        if len(batch) == 500:
            Client.objects.bulk_update(batch, ["name_key"])
            batch = []
    Client.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0002_reference_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="name_key",
            field=consultations.models.NameKeyField(
                default="", editable=False, max_length=200,
                verbose_name="business name for comparison"),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["hub", "name_key"], name="consultatio_hub_id_882470_idx"),
        ),
    ]
