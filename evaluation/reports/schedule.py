"""Celery beat's entry point (CELERY_BEAT_SCHEDULE names it): it only records the period's
jobs, keyed so that beat firing twice records them once. evaluation/reports/tasks.py imports
it so that Celery's autodiscovery finds it."""

from celery import shared_task

from yorozu.core import fiscal

from . import services


@shared_task(name="evaluation.tasks.monthly_reports_schedule")
def monthly_reports_schedule() -> int:
    """On the 1st: last month's report for every hub. Returns how many hubs."""
    return len(services.monthly_reports_start(today=fiscal.today()))

