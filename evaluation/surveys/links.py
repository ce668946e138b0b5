"""Survey links: two kinds of core's single-use link (yorozu/core/links.py), one per invitation
model, sharing one visit in the session (a visitor answers one survey at a time).

The token is HMAC("yorozu.surveys.link", "<LINK_LABEL>:<pk>:<salt>:<generation>"): derived from
the invitation's random salt and its generation (bumped by each reminder, which so sends a
fresh link), with the model's label of before the surveys app, so that every link already
emailed still opens. A link answered is used up as well as one opened."""

from django.utils import timezone

from yorozu.core.links import LinkKind

from .models import AgencyInvitation, SatisfactionInvitation


def _kind(model) -> LinkKind:
    return LinkKind(model=model, namespace="yorozu.surveys.link", label=model.LINK_LABEL,
                    session_key="survey_visit", visit_setting="SURVEY_VISIT_SECONDS",
                    still_open={"answered_at__isnull": True})


SATISFACTION = _kind(SatisfactionInvitation)
AGENCY = _kind(AgencyInvitation)
KINDS = {kind.label: kind for kind in (SATISFACTION, AGENCY)}


def token_for(invitation) -> str:
    kind = KINDS[invitation.LINK_LABEL]
    return kind.token(kind.label, invitation.pk, invitation.salt, invitation.generation)


def claim_answer(model, pk: int) -> bool:
    """Marks the invitation answered, once. Call inside the transaction that saves the
    answers, so that answers and the mark are stored together or not at all."""
    return model.objects.filter(pk=pk, answered_at__isnull=True).update(
        answered_at=timezone.now()) == 1
