"""What the split of the evaluation app into evaluation, plans, surveys and reports keeps as
it was: the registered names of tasks (the beat schedule, and messages already queued in
Redis, use them) and the survey links already emailed (derived from the model's label)."""

import importlib

import pytest
from django.conf import settings
from django.utils.crypto import salted_hmac

from evaluation.surveys import links
from evaluation.surveys.models import AgencyInvitation, SatisfactionInvitation
from yorozu.celery import app as celery_app

# The modules Celery's autodiscovery imports (<app>.tasks) for the apps that have tasks.
TASK_MODULES = ["hubs.tasks", "consultations.tasks", "evaluation.plans.tasks",
                "evaluation.surveys.tasks", "evaluation.reports.tasks", "yorozu.jobs.tasks"]
KEPT_NAMES = {
    "evaluation.tasks.referral_reminders_schedule": "consultations.reminders",
    "evaluation.tasks.satisfaction_dispatch_schedule": "evaluation.surveys.satisfaction",
    "evaluation.tasks.survey_reminders_schedule": "evaluation.surveys.agency",
    "evaluation.tasks.monthly_reports_schedule": "evaluation.reports.schedule",
    "evaluation.plans.tasks.plan_notify": "evaluation.plans.tasks",
}


@pytest.fixture(autouse=True)
def _tasks_imported():
    for module in TASK_MODULES:
        importlib.import_module(module)


def test_every_scheduled_task_is_registered():
    missing = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] not in celery_app.tasks]
    assert not missing


@pytest.mark.parametrize(("name", "module"), list(KEPT_NAMES.items()))
def test_moved_tasks_keep_their_registered_names(name, module):
    assert celery_app.tasks[name].run.__module__ == module


@pytest.mark.parametrize("model", [SatisfactionInvitation, AgencyInvitation])
def test_survey_links_derive_as_before_the_surveys_app(model):
    # A link derived again (a send repeated after a crash) must be the one already emailed.
    invitation = model(pk=7, salt="s" * 32, generation=1)
    old_label = f"evaluation.{model._meta.model_name}"
    expected = salted_hmac("yorozu.surveys.link", f"{old_label}:7:{'s' * 32}:1",
                           algorithm="sha256").hexdigest()
    assert model._meta.label_lower == f"surveys.{model._meta.model_name}"
    assert links.token_for(invitation) == expected
