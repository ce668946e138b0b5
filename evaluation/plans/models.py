"""Annual plans (事業計画): HQ's activity policy for a fiscal year, and each hub's plan, drafted
by the chief coordinator and the implementing organization, reviewed and accepted by the
bureau. Every submission is a frozen version; comments stay with the section they are on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hubs.models import Hub, SupportAgency
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
    # The working draft: the two free-text sections here, the rest in PlanTarget,
    # PlanPriority and PlanCollaboration rows (plans/content.py reads them as one document).
    analysis_industry_mix = models.TextField(_("industry mix of the region"), blank=True)
    analysis_agency_views = models.TextField(_("what the support agencies see"), blank=True)
    analysis_notes = models.TextField(_("other observations"), blank=True)
    initiatives = models.TextField(_("initiatives"), blank=True)
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

    @property
    def content(self) -> dict:
        """The draft as the document a version freezes (plans/content.py: snapshot), read
        from the rows; prefetch targets, priorities and collaborations__agency for a list.
        Read-only: the draft changes through services.plan_update."""
        from .content import snapshot  # content.py builds on these models

        return snapshot(self)


class PlanTarget(models.Model):
    """The draft's target for one indicator: the year's figure and, for counts, one per month
    (m1 is April, m12 March). Whole numbers for counts, one decimal place for rates."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("indicator"), max_length=30)
    year = models.DecimalField(_("year's target"), max_digits=12, decimal_places=1, null=True,
                               blank=True)
    m1 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m2 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m3 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m4 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m5 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m6 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m7 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m8 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m9 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m10 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m11 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    m12 = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)

    MONTH_FIELDS = tuple(f"m{n}" for n in range(1, 13))

    class Meta:
        db_table = "evaluation_plantarget"
        default_permissions = ()  # changed only as part of their plan (EDIT_PLAN)
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        ordering = ["plan", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"],
                                               name="plans_one_target_per_indicator")]

    def __str__(self):
        return f"{self.plan} {self.code}"

    @property
    def months(self) -> list:
        return [getattr(self, name) for name in self.MONTH_FIELDS]


class PlanPriority(models.Model):
    """One of the draft's priority areas (at most five), in the order the plan lists them:
    its title and description, and how it is measured (plans/measures.py): a measure, what
    the measure counts (topics, a kind of milestone) and a numeric target for the year.
    A draft may leave the measure empty; it is not submitted so (services.plan_confirm)."""

    class Measure(models.TextChoices):
        TOPIC_SESSIONS = "topic_sessions", _("Sessions on chosen consultation topics")
        MILESTONES = "milestones", _("Milestones achieved by the hub's clients")
        VALUE_ADDED_IMPROVED = "value_added_improved", _(
            "Share of supported clients whose value added rose")
        VALUE_ADDED_CHANGE = "value_added_change", _(
            "Rate of change of supported clients' value added")

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("area"), max_length=200, blank=True)
    # The free text every priority had before measures (migration 0005 kept it here).
    description = models.CharField(_("what it should achieve"), max_length=1000, blank=True)
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices,
                               blank=True)
    # Codes of consultations.Topic (reference data; a frozen version keeps the codes too).
    topics = models.JSONField(_("consultation topics"), default=list, blank=True)
    # A kind of evaluation.outcomes' Milestone; checked by the form against its choices.
    milestone_kind = models.CharField(_("kind of milestone"), max_length=30, blank=True)
    target = models.DecimalField(_("target for the year"), max_digits=12, decimal_places=1,
                                 null=True, blank=True)

    class Meta:
        db_table = "evaluation_planpriority"
        default_permissions = ()  # changed only as part of their plan (EDIT_PLAN)
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"],
                                    name="plans_one_priority_per_position"),
            models.CheckConstraint(condition=models.Q(position__gte=1),
                                   name="plans_priority_position_from_one"),
        ]

    def __str__(self):
        return f"{self.plan} {self.position}. {self.title}"


class PlanCollaboration(models.Model):
    """What the draft plans with one support agency of the hub's directory. PROTECT: an
    agency a draft names cannot be deleted (retire it instead); frozen versions keep the
    agency's name as it was, so they need no row here.

    `hub` repeats the plan's hub so that the database can check that the agency is of the
    same hub: two composite foreign keys, (plan, hub) to the plan and (agency, hub) to the
    agency, which Django cannot declare; migration 0002 adds them in SQL."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE,
                             related_name="collaborations")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    agency = models.ForeignKey(SupportAgency, on_delete=models.PROTECT,
                               related_name="plan_collaborations",
                               verbose_name=_("support agency"))
    text = models.TextField(_("what you plan together"), blank=True)

    class Meta:
        db_table = "evaluation_plancollaboration"
        default_permissions = ()  # changed only as part of their plan (EDIT_PLAN)
        verbose_name = _("collaboration with a support agency")
        verbose_name_plural = _("collaborations with support agencies")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "agency"],
                                    name="plans_one_collaboration_per_agency"),
            models.UniqueConstraint(fields=["plan", "position"],
                                    name="plans_one_collaboration_per_position"),
            models.CheckConstraint(condition=models.Q(position__gte=1),
                                   name="plans_collaboration_position_from_one"),
        ]

    def __str__(self):
        return f"{self.plan} {self.agency_id}"


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
