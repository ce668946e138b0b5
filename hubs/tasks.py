from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def access_sync_all() -> int:
    # Idempotent: it only makes memberships match today's appointments.
    return services.access_sync_all()
