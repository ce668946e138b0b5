"""The rejected rows of an import move from a database column into the file storage (the
server's disk or the shared bucket), like job results: every web replica reads them there."""

from django.core.files.base import ContentFile
from django.db import migrations, models


def to_storage(apps, schema_editor):
    ImportBatch = apps.get_model("consultations", "ImportBatch")
    for batch in ImportBatch.objects.exclude(rejected_blob=b"").iterator(chunk_size=50):
        content = bytes(batch.rejected_blob or b"")
        if content:
            batch.rejected_file.save(f"rejected_{batch.pk}.xlsx", ContentFile(content),
                                     save=False)
            ImportBatch.objects.filter(pk=batch.pk).update(rejected_file=batch.rejected_file.name)


def to_database(apps, schema_editor):
    ImportBatch = apps.get_model("consultations", "ImportBatch")
    for batch in ImportBatch.objects.exclude(rejected_file="").iterator(chunk_size=50):
        with batch.rejected_file.open("rb") as handle:
            ImportBatch.objects.filter(pk=batch.pk).update(rejected_blob=handle.read())


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0005_personal_data_read_rows"),
    ]

    operations = [
        migrations.RenameField("importbatch", "rejected_file", "rejected_blob"),
        migrations.AddField(
            model_name="importbatch",
            name="rejected_file",
            field=models.FileField(blank=True, upload_to="imports/rejected/%Y/%m/"),
        ),
        migrations.RunPython(to_storage, to_database, elidable=True),
        migrations.RemoveField("importbatch", "rejected_blob"),
    ]
