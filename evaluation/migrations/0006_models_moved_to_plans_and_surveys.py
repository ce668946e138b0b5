"""Plans and surveys are apps of their own (evaluation/plans, evaluation/surveys): the
evaluation app forgets their models, whose tables stay as they are, and their content types
follow them so that permissions and admin log entries keep pointing at the same rows."""

from django.db import migrations

MOVED = {
    "plans": ["activitypolicy", "annualplan", "planversion", "plancomment",
              "plannotification"],
    "surveys": ["satisfactioninvitation", "satisfactionresponse", "agencysurvey",
                "agencyinvitation", "agencyresponse"],
}


def content_types_follow(apps, schema_editor):
    """Renames each moved model's content type (evaluation.x -> plans.x). Where one for the
    new label exists already (post_migrate of an earlier partial run made it), the old row
    wins: it is the one that permissions, groups and admin log entries point at, so the new,
    still unused one is removed first."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for label, models in MOVED.items():
        for model in models:
            old = ContentType.objects.using(db).filter(app_label="evaluation", model=model)
            if not old.exists():
                continue  # a fresh database: post_migrate creates the new ones
            ContentType.objects.using(db).filter(app_label=label, model=model).delete()
            old.update(app_label=label)


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for label, models in MOVED.items():
        for model in models:
            new = ContentType.objects.using(db).filter(app_label=label, model=model)
            if not new.exists():
                continue
            ContentType.objects.using(db).filter(app_label="evaluation", model=model).delete()
            new.update(app_label="evaluation")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('evaluation', '0005_plan_confirmations_kept'),
        ('plans', '0001_initial'),
        ('surveys', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(content_types_follow, content_types_back),
        # State only: the tables now belong to plans and surveys (their 0001 migrations).
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='agencyinvitation',
                    name='agency',
                ),
                migrations.RemoveField(
                    model_name='agencyinvitation',
                    name='survey',
                ),
                migrations.RemoveField(
                    model_name='agencyresponse',
                    name='survey',
                ),
                migrations.RemoveField(
                    model_name='agencysurvey',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='agencysurvey',
                    name='hub',
                ),
                migrations.RemoveField(
                    model_name='annualplan',
                    name='chief_confirmed_by',
                ),
                migrations.RemoveField(
                    model_name='annualplan',
                    name='hub',
                ),
                migrations.RemoveField(
                    model_name='annualplan',
                    name='org_confirmed_by',
                ),
                migrations.RemoveField(
                    model_name='annualplan',
                    name='updated_by',
                ),
                migrations.RemoveField(
                    model_name='plancomment',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='planversion',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='plancomment',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='plancomment',
                    name='on_version',
                ),
                migrations.RemoveField(
                    model_name='plannotification',
                    name='version',
                ),
                migrations.RemoveField(
                    model_name='planversion',
                    name='chief_confirmed_by',
                ),
                migrations.RemoveField(
                    model_name='planversion',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='planversion',
                    name='org_confirmed_by',
                ),
                migrations.RemoveField(
                    model_name='planversion',
                    name='submitted_by',
                ),
                migrations.RemoveField(
                    model_name='satisfactioninvitation',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='satisfactioninvitation',
                    name='coordinator',
                ),
                migrations.RemoveField(
                    model_name='satisfactioninvitation',
                    name='hub',
                ),
                migrations.RemoveField(
                    model_name='satisfactionresponse',
                    name='coordinator',
                ),
                migrations.RemoveField(
                    model_name='satisfactionresponse',
                    name='hub',
                ),
                migrations.DeleteModel(
                    name='ActivityPolicy',
                ),
                migrations.DeleteModel(
                    name='AgencyInvitation',
                ),
                migrations.DeleteModel(
                    name='AgencyResponse',
                ),
                migrations.DeleteModel(
                    name='AgencySurvey',
                ),
                migrations.DeleteModel(
                    name='AnnualPlan',
                ),
                migrations.DeleteModel(
                    name='PlanComment',
                ),
                migrations.DeleteModel(
                    name='PlanNotification',
                ),
                migrations.DeleteModel(
                    name='PlanVersion',
                ),
                migrations.DeleteModel(
                    name='SatisfactionInvitation',
                ),
                migrations.DeleteModel(
                    name='SatisfactionResponse',
                ),
            ],
        ),
    ]
