"""Permission-matrix rows for the support-agency survey (merged into
tests/project/test_permission_matrix.py). Outcomes in role order: anon coordinator chief impl_org
bureau hq admin.

Readers of the hub's figures (its staff, its bureau, HQ) see the campaigns; only the
implementing organization drafts, starts, reminds and closes (403 for the readers). Another
hub's campaign is a 404, except for HQ, which reads everywhere and acts nowhere. The public
link shows anyone its "open" button; the answer page without a visit in the session is a 404."""

from datetime import timedelta

from django.utils import timezone

from evaluation.surveys import links
from evaluation.surveys.models import AgencyInvitation, AgencySurvey
from tests.hubs.factories import AgencyFactory
from yorozu.core import fiscal
from yorozu.core.links import token_hash

READ, READ_OTHER = "L 200 200 200 200 200 404", "L 404 404 404 404 200 404"
RUN_PAGE, RUN_OTHER = "L 403 403 200 403 403 404", "L 404 404 404 404 403 404"
RUN_ACTION = "L 403 403 302 403 403 404"

ROWS = {
    "surveys:agency_survey_list": ("GET", "hub", READ, READ_OTHER),
    "surveys:agency_survey_create": ("GET", "hub", RUN_PAGE, RUN_OTHER),
    "surveys:agency_survey_detail": ("GET", "agency_survey_open", READ, READ_OTHER),
    "surveys:agency_survey_edit": ("GET", "agency_survey_draft", RUN_PAGE, RUN_OTHER),
    "surveys:agency_survey_start": ("POST", "agency_survey_draft", RUN_ACTION, RUN_OTHER),
    "surveys:agency_survey_remind": ("POST", "agency_survey_open", RUN_ACTION, RUN_OTHER),
    "surveys:agency_survey_close": ("POST", "agency_survey_open", RUN_ACTION, RUN_OTHER),
    "survey_agency_open": ("GET", "agency_survey_token", "200 200 200 200 200 200 200"),
    "survey_agency_answer": ("GET", None, "404 404 404 404 404 404 404"),
}


def _survey(cast, which, status):
    hub, user = (cast.hub, cast.impl_org) if which == "own" else (cast.other_hub,
                                                                   cast.outsider)
    survey = AgencySurvey.objects.create(
        hub=hub, fiscal_year=fiscal.current_fiscal_year(), title="地域の支援機関アンケート",
        deadline=fiscal.today() + timedelta(days=14), status=status, created_by=user,
        opened_at=timezone.now() if status == AgencySurvey.Status.OPEN else None)
    agency = AgencyFactory(hub=hub, email=f"survey{survey.pk}@agency.example.jp")
    invitation = AgencyInvitation.objects.create(
        survey=survey, agency=agency, email=agency.email,
        sent_at=timezone.now() if status == AgencySurvey.Status.OPEN else None)
    return survey, invitation


def _draft(cast, which):
    return {"pk": _survey(cast, which, AgencySurvey.Status.DRAFT)[0].pk}


def _open(cast, which):
    return {"pk": _survey(cast, which, AgencySurvey.Status.OPEN)[0].pk}


def _token(cast, which):
    """A fresh link, as the send job leaves it: hashed, unopened, unexpired."""
    _survey_, invitation = _survey(cast, "own", AgencySurvey.Status.OPEN)
    token = links.token_for(invitation)
    AgencyInvitation.objects.filter(pk=invitation.pk).update(
        token_hash=token_hash(token), expires_at=timezone.now() + timedelta(days=30))
    return {"token": token}


TARGETS = {"agency_survey_draft": _draft, "agency_survey_open": _open,
           "agency_survey_token": _token}
