"""Invites the client to the satisfaction survey when a case ends. A receiver rather than a
call in consultations' services: consultations must not depend on evaluation.

Only an open case that is saved as resolved or closed counts: a case created already closed
(an import of past cases), or edited while closed, invites nobody. Bulk writes
(QuerySet.update, bulk_create: the demo data) send no signal and invite nobody either."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from consultations.models import Case
from consultations.retention import client_anonymised

from .models import SatisfactionInvitation
from .satisfaction import invitation_create

ENDED = (Case.Status.RESOLVED, Case.Status.CLOSED)


@receiver(pre_save, sender=Case, dispatch_uid="satisfaction_case_was_open")
def _remember_open(sender, instance: Case, raw=False, **kwargs):
    instance._satisfaction_was_open = False
    if raw or instance._state.adding or instance.pk is None or instance.status not in ENDED:
        return
    stored = Case.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    instance._satisfaction_was_open = stored == Case.Status.OPEN


@receiver(post_save, sender=Case, dispatch_uid="satisfaction_case_ended")
def _invite_when_ended(sender, instance: Case, created=False, raw=False, **kwargs):
    if raw or created or not getattr(instance, "_satisfaction_was_open", False):
        return
    instance._satisfaction_was_open = False
    invitation_create(case=instance)


@receiver(client_anonymised, dispatch_uid="satisfaction_client_anonymised")
def _forget_email(sender, case_ids, **kwargs):
    """An anonymised client's address goes from its invitations too (the answers never held
    it); an unsent invitation is not sent, since consent was withdrawn with the rest."""
    SatisfactionInvitation.objects.filter(case_id__in=case_ids).update(email="")
