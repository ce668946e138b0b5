# The guideline, self-checks and hearings have no Celery tasks: plans, surveys and reports,
# which are apps of their own now, each have a tasks.py. This module stays, empty, so that
# Celery's autodiscovery of evaluation.tasks imports it and not a leftover of the old file
# (which imported those apps' tasks) from an install that copied files over an older tree.
