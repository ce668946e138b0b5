"""A row for every background job: what it is, who started it, the scope of the data behind
it, how far it has got and what it produced. The jobs page polls these rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hubs.models import Bureau, Hub
from hubs.scoping import HubScopedQuerySet


class JobQuerySet(HubScopedQuerySet):
    def for_user(self, user, perm=None):
        """The same door as every hub-owned row; which permission a job needs is its kind's
        (yorozu.jobs.selectors explains the rule)."""
        from .selectors import scope_filter

        return self.filter(scope_filter(user))


class Job(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class Scope(models.TextChoices):
        HUB = "hub", _("Hub")
        BUREAU = "bureau", _("Bureau")
        NATIONAL = "national", _("National")

    kind = models.CharField(_("kind"), max_length=50)
    # Empty for scheduled jobs (celery beat).
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="jobs",
                                   verbose_name=_("started by"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="jobs", verbose_name=_("hub"))
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="jobs", verbose_name=_("bureau"))
    params = models.JSONField(default=dict, blank=True)
    # Scheduled jobs carry a key (kind, scope, period), so that beat firing twice, or two beat
    # processes, still make one job.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    result = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["started_by", "-created_at"]),
            models.Index(fields=["hub", "-created_at"]),
            models.Index(fields=["kind", "-created_at"]),
            # The sweeper's query: few rows are ever unfinished.
            models.Index(fields=["status", "heartbeat_at"], name="jobs_unfinished_idx",
                         condition=models.Q(status__in=["pending", "running"])),
        ]
        constraints = [
            models.CheckConstraint(
                name="jobs_job_scope_matches",
                condition=(models.Q(scope="hub", hub__isnull=False, bureau__isnull=True)
                           | models.Q(scope="bureau", hub__isnull=True, bureau__isnull=False)
                           | models.Q(scope="national", hub__isnull=True,
                                      bureau__isnull=True))),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def label(self) -> str:
        from .registry import KINDS

        kind = KINDS.get(self.kind)
        if kind is None:
            return self.kind
        return f"{kind.label}（{kind.describe(self)}）" if kind.describe else str(kind.label)

    @property
    def scope_name(self) -> str:
        """Whose data the job reads: its hub, its bureau, or the whole country."""
        if self.hub_id:
            return self.hub.name
        if self.bureau_id:
            return str(self.bureau)
        return str(_("National"))

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
