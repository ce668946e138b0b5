"""The draft's JSON goes, once 0003 has moved it into rows. A migration of its own: PostgreSQL
refuses to alter a table in the transaction that queued checks of the deferred foreign keys
of rows just written (0003's), so the two cannot share one."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0003_draft_rows_filled"),
    ]

    operations = [
        migrations.RemoveField(model_name="annualplan", name="content"),
    ]
