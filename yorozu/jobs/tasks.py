from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def job_run(job_id: int) -> str:
    return services.job_execute(job_id)


@shared_task
def jobs_sweep() -> int:
    return services.jobs_sweep()
