"""The invitation email of an approved appointment (hubs/invitations.py), sent by a job.

hubs sits below jobs and cannot start one, so it announces the approval
(hubs.signals.appointment_approved, inside the approval's transaction) and this module, a
floor above, records the job. The job row commits with the approval or not at all; a broker
that is down leaves it waiting for the sweeper; a mail server that is down fails the try,
which is recorded on the appointment (its row offers to send it again), and the job tries
again later. The claim on the appointment's row sends it once, whoever runs it."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy

from hubs.invitations import invitation_send_once
from hubs.roles import VIEW_STAFF
from hubs.signals import appointment_approved

from .registry import register
from .services import job_start

INVITATION_JOB = "appointment_invitation"


@receiver(appointment_approved, dispatch_uid="jobs_appointment_invitation")
def _invite_when_approved(sender, appointment, **kwargs):
    job_start(kind=INVITATION_JOB, hub=appointment.hub, bureau=appointment.bureau, total=1,
              dedupe_key=f"{INVITATION_JOB}:{appointment.pk}",
              params={"appointment": appointment.pk})


@register(INVITATION_JOB, label=gettext_lazy("Appointment invitation email"), perm=VIEW_STAFF,
          describe=lambda job: str(gettext_lazy("To the person appointed")))
def invitation_job(job, progress) -> None:
    """A failure raises (recorded on the appointment), and the job framework retries it."""
    if job.done:
        return  # sent on an earlier run that stopped before finishing
    invitation_send_once(job.params["appointment"])
    progress.set(1, force=True)
