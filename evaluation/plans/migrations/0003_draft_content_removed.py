"""The draft's JSON goes, once 0002 has moved it into rows. A migration of its own: PostgreSQL
refuses to alter a table in the transaction that queued checks of the deferred foreign keys
of rows just written (0002's), so the two cannot share one."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0002_draft_as_rows"),
    ]

    operations = [
        migrations.RemoveField(model_name="annualplan", name="content"),
    ]
