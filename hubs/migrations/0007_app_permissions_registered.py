"""Hub.Meta.permissions keeps hubs' own permissions only: the evaluation apps register theirs
in hubs.permissions, and their Permission rows (created by earlier migrations' post_migrate)
stay as they are. State only: Meta.permissions has no table of its own."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('hubs', '0006_appointment_invitation'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='hub',
            options={'ordering': ['jis_code'], 'permissions': [('view_hub_records', "Can read the hub's clients, cases and sessions"), ('change_hub_records', "Can log and edit the hub's consultations"), ('view_hub_aggregates', "Can see the hub's figures"), ('view_hub_staff', "Can see the hub's staff"), ('view_agencies', "Can see the hub's support-agency directory"), ('manage_agencies', "Can keep the hub's support-agency directory"), ('propose_appointment', 'Can propose coordinator appointments'), ('approve_appointment', 'Can approve coordinator appointments')], 'verbose_name': 'hub', 'verbose_name_plural': 'hubs'},
        ),
    ]
