# Celery's autodiscovery imports <app>.tasks only: the tasks live beside their code, and the
# scheduled ones carry names under consultations.tasks (see CELERY_BEAT_SCHEDULE).
from .retention import retention_schedule  # noqa: F401
