"""Annual plans (事業計画): HQ's activity policy for a fiscal year, and each hub's plan, drafted
by the chief coordinator and the implementing organization, reviewed and accepted by the
bureau. Every submission is a frozen version; comments stay with the section they are on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hubs.models import Hub
from hubs.scoping import HubScopedQuerySet

# The sections of a plan, in order: comments attach to one of them and the diff compares them.
SECTIONS = [
    ("analysis", _("Regional analysis")),
    ("targets", _("Targets for the standard indicators")),
    ("priorities", _("Priority areas")),
    ("initiatives", _("Initiatives")),
    ("collaboration", _("Collaboration with support agencies")),
]


class ActivityPolicy(models.Model):
    """HQ's activity policy (活動方針) for a fiscal year: what every hub plans against."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    priority_themes = models.TextField(_("priority themes"))
    indicators = models.JSONField(_("standard indicators"), default=list)
    plan_deadline = models.DateField(_("plan deadline"))
    published_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")

    class Meta:
        # The table kept its name when the model moved from the evaluation app.
        db_table = "evaluation_activitypolicy"
        verbose_name = _("activity policy")
        verbose_name_plural = _("activity policies")
        ordering = ["-fiscal_year"]

    def __str__(self):
        return f"{self.fiscal_year}"


class AnnualPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("Under bureau review")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="plans",
                            verbose_name=_("hub"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    # The working draft, one JSON document per section (see plans/content.py).
    content = models.JSONField(default=dict)
    chief_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                           null=True, blank=True, related_name="+")
    org_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")
    chief_confirmed_at = models.DateTimeField(null=True, blank=True)
    org_confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic lock on the draft
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        db_table = "evaluation_annualplan"
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-fiscal_year", "hub__jis_code"]
        constraints = [models.UniqueConstraint(fields=["hub", "fiscal_year"],
                                               name="plans_one_per_hub_year")]
        indexes = [models.Index(fields=["fiscal_year", "status"])]

    def __str__(self):
        return f"{self.hub} {self.fiscal_year}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class PlanVersion(models.Model):
    """A frozen submission. The accepted one is the year's yardstick. It keeps the two
    confirmations that submitted it (who and when), which the draft then gives up."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    # Null on versions submitted before confirmations were kept (only the submitter's is
    # known for those: see migration 0005).
    chief_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                           null=True, blank=True, related_name="+")
    chief_confirmed_at = models.DateTimeField(null=True, blank=True)
    org_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")
    org_confirmed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)  # returned / accepted
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "evaluation_planversion"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="plans_version_unique")]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class PlanComment(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="comments")
    on_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, null=True,
                                   blank=True, related_name="comments")
    section = models.CharField(_("section"), max_length=20, choices=SECTIONS)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "evaluation_plancomment"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["plan", "section"])]

    def __str__(self):
        return f"{self.plan} {self.section}"


class PlanNotification(models.Model):
    """One email per plan event, claimed with a compare-and-set so a redelivered job does
    not send it twice."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE,
                                related_name="notifications")
    event = models.CharField(max_length=20)  # submitted / returned / accepted
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "evaluation_plannotification"
        constraints = [models.UniqueConstraint(fields=["version", "event"],
                                               name="plans_one_notification_per_event")]

    def __str__(self):
        return f"{self.version} {self.event}"
