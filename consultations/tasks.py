# Celery's autodiscovery imports <app>.tasks only: the tasks live beside their code, and the
# scheduled ones carry names under consultations.tasks (see CELERY_BEAT_SCHEDULE), except the
# reminders', which kept the name they had under evaluation.
from .reminders import referral_reminders_schedule  # noqa: F401
from .retention import retention_schedule  # noqa: F401
