"""Permission-matrix rows for these pages (merged into tests/project/test_permission_matrix.py).
Outcomes in role order: anon coordinator chief impl_org bureau hq admin."""

from datetime import timedelta

from django.utils import timezone

from evaluation.surveys import links
from evaluation.surveys.models import SatisfactionInvitation
from tests.consultations.factories import CaseFactory
from yorozu.core.links import token_hash

ROWS: dict[str, tuple] = {
    # Figures for everyone who sees the hub's figures (per-coordinator rows and comments
    # depend on the role inside the page); another hub's page is a 404 like a missing one.
    "surveys:satisfaction_results": ("GET", "hub", "L 200 200 200 200 200 404",
                                     "L 404 404 404 404 200 404"),
    # Clients have no account: a fresh link shows anyone its "open" button (only the POST
    # uses it up); the tokenless answer page without a visit in the session is a 404.
    "survey_satisfaction_open": ("GET", "satisfaction_token", "200 200 200 200 200 200 200",
                                 None),
    "survey_satisfaction_answer": ("GET", None, "404 404 404 404 404 404 404", None),
}


def satisfaction_token(cast, which) -> dict:
    """A sent, unopened invitation's token (the link in the client's email)."""
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__email="c@example.jp")
    invitation = SatisfactionInvitation.objects.create(
        hub=cast.hub, case=case, coordinator=cast.coordinator, email="c@example.jp",
        sent_at=timezone.now(), expires_at=timezone.now() + timedelta(days=30))
    token = links.token_for(invitation)
    SatisfactionInvitation.objects.filter(pk=invitation.pk).update(
        token_hash=token_hash(token))
    return {"token": token}


TARGETS: dict = {"satisfaction_token": satisfaction_token}
