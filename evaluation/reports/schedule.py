"""Celery beat's entry points (CELERY_BEAT_SCHEDULE names them): each only records the
period's jobs, keyed so that beat firing twice records them once. evaluation/tasks.py imports
these so that Celery's autodiscovery finds them."""

from celery import shared_task

from yorozu.core import fiscal

from . import services


@shared_task(name="evaluation.tasks.monthly_reports_schedule")
def monthly_reports_schedule() -> int:
    """On the 1st: last month's report for every hub. Returns how many hubs."""
    return len(services.monthly_reports_start(today=fiscal.today()))


@shared_task(name="evaluation.tasks.referral_reminders_schedule")
def referral_reminders_schedule() -> int:
    """Daily: the day's overdue-referral reminders. Returns the job's id."""
    return services.referral_reminders_start(day=fiscal.today()).pk
