# Celery's autodiscovery imports <app>.tasks only: the tasks live beside their code. The
# scheduled ones keep the names they had when the surveys were part of the evaluation app
# (evaluation.tasks.*), which CELERY_BEAT_SCHEDULE and any queued message use.
from .agency import survey_reminders_schedule  # noqa: F401
from .satisfaction import satisfaction_dispatch_schedule  # noqa: F401
