# Celery's autodiscovery imports <app>.tasks only. The monthly schedule keeps the name it had
# when the reports were part of the evaluation app (evaluation.tasks.monthly_reports_schedule).
from .schedule import monthly_reports_schedule  # noqa: F401
