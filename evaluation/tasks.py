# Celery's autodiscovery imports <app>.tasks only: the plan tasks live in evaluation/plans/.
from .plans.tasks import plan_notify  # noqa: F401
