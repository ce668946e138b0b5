from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Appointment

# Sent by services.appointment_approve inside the approval's transaction (kwargs: appointment).
# The invitation email goes out through a job, which hubs (below jobs) cannot start: jobs
# listens here (yorozu/jobs/invitations.py).
appointment_approved = Signal()


def load_reference_data(sender, using="default", **kwargs):
    from .permissions import permissions_create
    from .services import reference_load, role_groups_regrant

    reference_load()
    # The permissions the apps above registered exist before the groups are granted them.
    permissions_create()
    role_groups_regrant()


def install_hub_wall(sender, using="default", **kwargs):
    from django.db import connections

    from . import rls

    if rls.enabled(connections[using]) and not rls.installed(connections[using]):
        rls.install(connections[using])


@receiver(post_save, sender=Appointment)
@receiver(post_delete, sender=Appointment)
def appointment_changed(sender, instance, **kwargs):
    # Any change, from the workflow or from the admin, takes effect on the next request.
    from .services import access_sync_for_user

    access_sync_for_user(user=instance.user)
