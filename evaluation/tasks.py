# Celery's autodiscovery imports <app>.tasks only: the tasks live beside their code, and the
# scheduled ones carry names under evaluation.tasks (see CELERY_BEAT_SCHEDULE).
from .plans.tasks import plan_notify  # noqa: F401
from .reports.schedule import monthly_reports_schedule, referral_reminders_schedule  # noqa: F401
from .surveys.agency import survey_reminders_schedule  # noqa: F401
from .surveys.satisfaction import satisfaction_dispatch_schedule  # noqa: F401
