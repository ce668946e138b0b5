from django.conf import settings
from django.core.management.base import BaseCommand

from consultations.demo import seed_activity
from evaluation.assessments.demo import seed_assessments
from evaluation.demo import seed_evaluation
from evaluation.outcomes.demo import seed_outcomes
from evaluation.plans.demo import seed_plans
from evaluation.selfstudy.demo import seed_self_study
from evaluation.surveys.demo_agency import seed_agency_surveys
from evaluation.surveys.demo_satisfaction import seed_satisfaction
from hubs.demo import seed_demo


# The demo spans every app, so it is put together up here in the project layer; each app seeds
# its own part (its demo module) from what the apps below it have seeded.
class Command(BaseCommand):
    help = ("Creates demo users, appointments, support agencies, consultation activity and "
            "evaluation data. Safe to run again.")

    def handle(self, *args, **options):
        logins = seed_demo()
        activity = seed_activity()
        evaluation = seed_evaluation()
        plans = seed_plans()
        satisfaction = seed_satisfaction()
        agency_surveys = seed_agency_surveys()
        outcomes = seed_outcomes()
        self_studies = seed_self_study()
        # Last: the evaluation is computed from everything above.
        assessments = seed_assessments()
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready. Logins (password: {settings.DEMO_PASSWORD}):"
        ))
        for email, role, where in logins:
            self.stdout.write(f"  {email:<28} {role:<14} {where}")
        self.stdout.write(
            f"Demo activity at the 4 demo hubs ({activity['added']} seeded now): "
            f"{activity['clients']} clients, {activity['cases']} cases, "
            f"{activity['sessions']} sessions, {activity['referrals']} referrals.")
        self.stdout.write(
            f"Evaluation: last fiscal year's guideline published with {evaluation['hearings']} "
            "hearings; this year's starter guideline is a draft for HQ to edit and publish.")
        self.stdout.write(
            f"Annual plans: {plans['plans']} (this year's activity policy published; the Tokyo "
            "plan awaits the Kanto bureau's review).")
        self.stdout.write(
            f"Surveys: {satisfaction['responses']} client satisfaction answers at the demo "
            f"hubs; {agency_surveys['surveys']} support-agency surveys added now (Tokyo and "
            "Osaka: last year's closed, this year's open).")
        self.stdout.write(
            f"Client outcomes: {outcomes['snapshots']} periods' financial figures and "
            f"{outcomes['milestones']} confirmed milestones at the demo hubs (Osaka's too few "
            "to show).")
        self.stdout.write(
            f"Self-study: {self_studies['self_studies']} added now (Tokyo's, submitted for its "
            "latest hearing, with a PDF attached).")
        self.stdout.write(
            f"Multi-faceted evaluation: last year's {assessments['assessments']} hub "
            f"evaluations published with {assessments['requests']} improvement requests "
            "(Tokyo's answered and followed up by the Kanto bureau, Osaka's waiting for an "
            "action); this year's weights set for HQ to start evaluating.")
