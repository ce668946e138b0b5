"""HQ's multi-faceted evaluation (多面的な評価) of a hub for a fiscal year, and what follows
from it: improvement requests, the hub's actions, the bureau's follow-up.

While a draft, an evaluation's axes are computed from the records each time they are read
(axes.py); finalising freezes them, with the year's weights, on the row, so that what was
published stays what it said. The composite is always the weighted mean of the axes shown
beside it (axes.composite), never stored apart from them."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hubs.models import Hub
from hubs.scoping import HubScopedQuerySet


def _weight(label):
    return models.PositiveSmallIntegerField(label, default=0,
                                            validators=[MaxValueValidator(100)])


class AxisWeights(models.Model):
    """HQ's weights of the axes for one fiscal year (points; the composite divides by their
    sum over the axes a hub has a figure on). Fixed once any hub's evaluation of the year is
    finalised, so that every hub of a year is weighed alike."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    plan_standard = _weight(_("Plan attainment (standard indicators)"))
    plan_priority = _weight(_("Plan attainment (priority areas)"))
    guideline = _weight(_("Guideline (hearing scores)"))
    satisfaction = _weight(_("Client satisfaction"))
    agency_survey = _weight(_("Support agencies' survey"))
    follow_up = _weight(_("Referral follow-up rate"))
    expert_share = _weight(_("Depth of support (expert proposals)"))
    outcomes = _weight(_("Client outcomes (value added)"))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("axis weights")
        verbose_name_plural = _("axis weights")
        ordering = ["-fiscal_year"]

    def __str__(self):
        return f"{self.fiscal_year}"

    def as_dict(self) -> dict[str, int]:
        from .axes import CODES

        return {code: getattr(self, code) for code in CODES}


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINALISED = "finalised", _("Finalised")
        PUBLISHED = "published", _("Published")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="assessments",
                            verbose_name=_("hub"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    summary = models.TextField(_("HQ's overall comment"), blank=True)
    # Frozen at finalisation: {axis code: {"score": "72.5" or None, "figure": ..., "n": ...}}
    # and {axis code: weight}; empty while a draft (then computed from the records).
    axes = models.JSONField(default=dict, blank=True)
    weights = models.JSONField(default=dict, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("multi-faceted evaluation")
        verbose_name_plural = _("multi-faceted evaluations")
        ordering = ["-fiscal_year", "hub__jis_code"]
        constraints = [models.UniqueConstraint(fields=["hub", "fiscal_year"],
                                               name="assessments_one_per_hub_year")]
        indexes = [models.Index(fields=["fiscal_year", "status"])]

    def __str__(self):
        return f"{self.hub} {self.fiscal_year}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ImprovementRequest(models.Model):
    """What HQ asks the hub to improve, why, and by when. The bureau moves its status as it
    follows the hub's actions up; a request not done is open, and open requests carry into
    the hub's next annual plan draft and next year's evidence pack."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="requests")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("what to improve"), max_length=200)
    reason = models.TextField(_("why"))
    due_on = models.DateField(_("by when"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement request")
        verbose_name_plural = _("improvement requests")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["hub", "status", "due_on"])]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ImprovementAction(models.Model):
    """The hub's answer to a request: what it will do, and who owns it."""

    request = models.ForeignKey(ImprovementRequest, on_delete=models.CASCADE,
                                related_name="actions")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what the hub will do"))
    owner = models.CharField(_("owner"), max_length=100)
    due_on = models.DateField(_("planned completion"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:40]


class FollowUpNote(models.Model):
    """The bureau's follow-up of a request: the status it set and its comment."""

    request = models.ForeignKey(ImprovementRequest, on_delete=models.CASCADE,
                                related_name="follow_ups")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20,
                              choices=ImprovementRequest.Status.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request} {self.status}"


class PracticeQuerySet(HubScopedQuerySet):
    hub_field = "source_hub"


class BestPractice(models.Model):
    """A practice HQ marks from a hub scored at the top level on a guideline item, with the
    evidence behind it; published to every hub once the hub has consented (the case
    collection builds on these)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the hub's consent")
        CONSENTED = "consented", _("Consented by the hub")
        DECLINED = "declined", _("Declined by the hub")
        PUBLISHED = "published", _("Published to all hubs")

    # Not `hub`: a published practice is read by every hub, so its table stays outside the
    # database's hub wall (hubs/rls.py walls the tables with a `hub` column). The door is
    # practices.practices_for: the unpublished ones only for their own hub and HQ.
    source_hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("hub"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    item = models.ForeignKey("evaluation.Item", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("guideline item"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what the hub does"))
    evidence = models.TextField(_("evidence"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PROPOSED)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("best practice")
        verbose_name_plural = _("best practices")
        ordering = ["-fiscal_year", "source_hub__jis_code", "pk"]
        indexes = [models.Index(fields=["status", "fiscal_year"])]

    def __str__(self):
        return self.title
