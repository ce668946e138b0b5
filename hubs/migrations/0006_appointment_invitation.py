"""Whether the invitation email of an approved appointment went out."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hubs', '0005_appointment_proposed_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='appointment',
            name='invitation',
            field=models.CharField(
                blank=True, max_length=10, verbose_name='invitation',
                choices=[('sent', 'Invitation email sent'),
                         ('failed', 'The invitation email could not be sent')]),
        ),
        migrations.AddField(
            model_name='appointment',
            name='invitation_at',
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name='invitation sent or tried at'),
        ),
    ]
