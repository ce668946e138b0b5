"""Starting and running jobs.

Running is safe to repeat: a job's task is acks_late, so a worker killed mid-job has its task
delivered again, and the sweeper re-enqueues jobs whose worker went quiet. Each kind does its
work in steps that it claims one by one (a compare-and-set per recipient, say), so a second
run picks up where the first stopped and does nothing twice."""

import logging
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnreachable

from hubs import rls
from hubs.access import authorise_for_job
from hubs.models import Hub

from .models import Job
from .registry import KINDS

logger = logging.getLogger(__name__)


def _scope_of(hub, bureau) -> str:
    if hub is not None:
        return Job.Scope.HUB
    return Job.Scope.BUREAU if bureau is not None else Job.Scope.NATIONAL


def job_start(*, kind: str, by=None, hub=None, bureau=None, params: dict | None = None,
              total: int | None = None, dedupe_key: str | None = None) -> Job:
    """Records the job and enqueues it once the caller's transaction commits, so the worker
    never looks for a row that is not there yet. With a dedupe_key, a job already recorded
    under that key is returned instead of a second one."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    fields = {"kind": kind, "started_by": by, "hub": hub, "bureau": bureau,
              "scope": _scope_of(hub, bureau), "params": params or {}, "total": total}
    if dedupe_key:
        try:
            with transaction.atomic():
                job = Job.objects.create(dedupe_key=dedupe_key, **fields)
        except IntegrityError:
            return Job.objects.get(dedupe_key=dedupe_key)
    else:
        job = Job.objects.create(**fields)
    job_enqueue(job.pk)
    return job


def job_enqueue(job_id: int) -> None:
    from .tasks import job_run

    Job.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    transaction.on_commit(lambda: _enqueue_or_leave_waiting(job_run, job_id))


def _enqueue_or_leave_waiting(task, job_id: int, countdown: int | None = None) -> None:
    if not task_send(task, job_id, countdown=countdown):
        # The job row is saved; the sweeper sends it on its next round (no enqueued_at).
        Job.objects.filter(pk=job_id).update(enqueued_at=None)


def task_send(task, *args, countdown: int | None = None) -> bool:
    """Hands a task to the broker. False, logged, when the broker cannot be reached: the
    caller's record is saved already, and an outage of the queue must not turn the user's
    action into an error page. One try only, so that the request does not hang on it."""
    try:
        task.apply_async(args, countdown=countdown, retry_policy={"max_retries": 0})
    except BrokerUnreachable as exc:
        logger.warning("broker unreachable, %s%r left for the sweeper: %s", task.name, args, exc)
        return False
    return True


class Progress:
    """Handed to a job's code: it reports how far it has got, which also tells the sweeper
    the job is alive. Writes are throttled so a loop over thousands costs little."""

    INTERVAL = 0.5  # seconds between writes

    def __init__(self, job: Job):
        self.job = job
        self._written = 0.0

    def total(self, total: int) -> None:
        self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(total=total, heartbeat_at=timezone.now())

    def set(self, done: int, *, force: bool = False) -> None:
        self.job.done = done
        now = time.monotonic()
        if force or now - self._written >= self.INTERVAL:
            self._written = now
            Job.objects.filter(pk=self.job.pk).update(done=done, heartbeat_at=timezone.now())

    def beat(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now())

    def summary(self, text: str) -> None:
        self.job.summary = text[:300]


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)


def job_claim(job_id: int) -> Job | None:
    """Marks the job running, if it is waiting, or running with a worker gone quiet (killed,
    or its machine lost). None when another worker has it, or it has finished."""
    now = timezone.now()
    claimed = (Job.objects.filter(pk=job_id)
               .filter(Q(status=Job.Status.PENDING)
                       | Q(status=Job.Status.RUNNING, heartbeat_at__lt=_stale_before()))
               .update(status=Job.Status.RUNNING, attempts=F("attempts") + 1,
                       heartbeat_at=now, started_at=Coalesce("started_at", now)))
    if not claimed:
        return None
    return Job.objects.select_related("hub", "bureau", "started_by").get(pk=job_id)


def job_execute(job_id: int) -> str:
    """Runs one job to the end. Returns its status afterwards (for logs and tests)."""
    job = job_claim(job_id)
    if job is None:
        return "skipped"
    try:
        job_perform(job, Progress(job))
    except SoftTimeLimitExceeded:
        _fail(job, _("The job took longer than allowed and was stopped."))
        return Job.Status.FAILED
    except Exception as exc:
        logger.exception("job %s (%s) failed on attempt %s", job.pk, job.kind, job.attempts)
        if job.attempts < settings.JOB_MAX_ATTEMPTS:
            _retry_later(job, exc)
            return Job.Status.PENDING
        _fail(job, _("The job failed after %(n)s tries. Please try again later or ask the "
                     "administrator.") % {"n": job.attempts})
        return Job.Status.FAILED
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE, done=F("total") if job.total is not None else job.done,
        summary=job.summary, error="", finished_at=timezone.now())
    return Job.Status.DONE


def job_perform(job: Job, progress: Progress) -> None:
    """The job's work, behind its hub wall: what a worker runs once it holds the claim (the
    bench times it alone, on an unsaved job, yorozu/bench/reports.py)."""
    with rls.hub_wall(_wall_of(job)):
        KINDS[job.kind].run(job, progress)


def _wall_of(job: Job):
    """A hub's job sees that hub's rows only, a bureau's job its hubs'; national jobs all."""
    if job.hub_id is not None:
        return [job.hub_id]
    if job.bureau_id is not None:
        return Hub.objects.filter(bureau_id=job.bureau_id).values_list("pk", flat=True)
    return None


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=message,
                                         finished_at=timezone.now())


def _retry_later(job: Job, exc: Exception) -> None:
    from .tasks import job_run

    # Waiting again; the work done so far is kept, and the next run skips it.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.PENDING, enqueued_at=timezone.now(),
                                         error=str(exc)[:500])
    _enqueue_or_leave_waiting(job_run, job.pk, countdown=settings.JOB_RETRY_SECONDS * job.attempts)


def job_save_result(job: Job, content, filename: str) -> None:
    """Stores the file a job produced, read from the file object `content` in chunks (never
    whole into memory), through the storage: the server's disk or the shared bucket, where
    the web replicas find it (yorozu/core/files.py)."""
    job.result.save(filename, File(content, name=filename), save=False)
    job.result_name = filename
    Job.objects.filter(pk=job.pk).update(result=job.result.name, result_name=filename)


def jobs_sweep() -> int:
    """Re-enqueues jobs stuck waiting (their message lost: enqueued before a broker restart
    without persistence, say) and jobs whose worker went quiet. Returns how many. Safe to
    overlap with a live run: the claim lets only one of them work."""
    now = timezone.now()
    waiting_since = now - timedelta(seconds=settings.JOB_PENDING_GRACE_SECONDS)
    stuck = Job.objects.filter(
        Q(status=Job.Status.PENDING) & (Q(enqueued_at__lt=waiting_since)
                                        | Q(enqueued_at__isnull=True))
        | Q(status=Job.Status.RUNNING, heartbeat_at__lt=_stale_before())
        & (Q(enqueued_at__lt=_stale_before()) | Q(enqueued_at__isnull=True)))
    ids = list(stuck.values_list("pk", flat=True)[:500])
    for job_id in ids:
        logger.warning("sweeper re-enqueues job %s", job_id)
        job_enqueue(job_id)
    return len(ids)


def job_hub(job):
    """The job's hub as its kind's selectors take it (an AuthorisedHub): the system path of
    hubs.access.authorise_for_job, for the hub recorded on the row. Not the starter's access:
    scheduled jobs have no starter, and a retry may run after the starter's term has ended;
    the kind's permission was checked when the job was asked for, and is checked again for
    whoever reads its result (the jobs page and downloads)."""
    return authorise_for_job(job.hub, KINDS[job.kind].perm, job_id=job.pk)
