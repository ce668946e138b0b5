from datetime import timedelta

from django.db import migrations, models


def name_earlier_proposals(apps, schema_editor):
    """Earlier proposals did not keep the typed name. A proposal that created its account
    (joined within a minute before it) typed that account's name; for an account that existed
    before, the hub knew only the email it typed."""
    Appointment = apps.get_model("hubs", "Appointment")
    proposals = Appointment.objects.filter(proposed_by__isnull=False, proposed_name="")
    for appointment in proposals.select_related("user").iterator():
        user = appointment.user
        created_by_it = user.date_joined >= appointment.created_at - timedelta(minutes=1)
        name = f"{user.family_name} {user.given_name}".strip() if created_by_it else user.email
        Appointment.objects.filter(pk=appointment.pk).update(proposed_name=name[:101])


class Migration(migrations.Migration):

    dependencies = [
        ("hubs", "0004_survey_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="proposed_name",
            field=models.CharField(blank=True, max_length=101,
                                   verbose_name="name in the proposal"),
        ),
        migrations.RunPython(name_earlier_proposals, migrations.RunPython.noop),
    ]
