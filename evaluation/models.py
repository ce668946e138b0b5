"""The behavioural guideline (行動指針), self-checks against it, and HQ hearings that score each
hub against it.

A guideline is versioned per fiscal year: HQ edits a draft, publishes it (then it is frozen),
and starts the next year from a copy. Self-checks and hearings point at the guideline version
of their year, so a score always means what the rubric said that year."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hubs.models import Hub
from hubs.roles import Role
from hubs.scoping import HubScopedQuerySet

LEVELS = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]
# Roles a guideline item may apply to: the hub's own staff.
ITEM_ROLES = [Role.COORDINATOR, Role.CHIEF, Role.IMPL_ORG]


class Guideline(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    preface = models.TextField(_("preface"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("behavioural guideline")
        verbose_name_plural = _("behavioural guidelines")
        ordering = ["-fiscal_year"]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Area(models.Model):
    """A mission area (expert advice, overall coordination, ...) or hub management."""

    guideline = models.ForeignKey(Guideline, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("guideline area")
        verbose_name_plural = _("guideline areas")
        ordering = ["sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["guideline", "code"],
                                               name="evaluation_area_unique_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Item(models.Model):
    """One concrete, observable behaviour of high performers, with a four-level rubric."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=10)
    behaviour = models.TextField(_("behaviour"))
    roles = models.JSONField(_("applies to"), default=list)
    level_1 = models.TextField(_("level 1"))
    level_2 = models.TextField(_("level 2"))
    level_3 = models.TextField(_("level 3"))
    level_4 = models.TextField(_("level 4"))
    evidence_hints = models.TextField(_("evidence that shows it"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("guideline item")
        verbose_name_plural = _("guideline items")
        ordering = ["area__sort_order", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["area", "code"],
                                               name="evaluation_item_unique_code")]

    def __str__(self):
        return f"{self.code} {self.behaviour[:40]}"

    def clean(self):
        unknown = set(self.roles or []) - set(ITEM_ROLES)
        if unknown or not self.roles:
            raise ValidationError({"roles": _("Choose one or more of the hub roles.")})

    @property
    def descriptors(self) -> list[tuple[int, str]]:
        return [(1, self.level_1), (2, self.level_2), (3, self.level_3), (4, self.level_4)]

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles]


# --- Self-checks ------------------------------------------------------------------------------
class SelfCheck(models.Model):
    """A coordinator's or chief coordinator's own rating against their items, per half-year."""

    class Half(models.IntegerChoices):
        FIRST = 1, _("First half (April to September)")
        SECOND = 2, _("Second half (October to March)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="self_checks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="self_checks")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("chief coordinator's comment"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        ordering = ["-fiscal_year", "-half"]
        constraints = [models.UniqueConstraint(fields=["user", "hub", "fiscal_year", "half"],
                                               name="evaluation_selfcheck_one_per_half")]
        indexes = [models.Index(fields=["hub", "fiscal_year", "half", "status"])]

    def __str__(self):
        return f"{self.user} {self.fiscal_year}-{self.half}"


class SelfRating(models.Model):
    self_check = models.ForeignKey(SelfCheck, on_delete=models.CASCADE, related_name="ratings")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVELS, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["self_check", "item"],
                                               name="evaluation_selfrating_unique")]

    def __str__(self):
        return f"{self.item.code}: {self.level}"


# --- Hearings and scores ----------------------------------------------------------------------
class Hearing(models.Model):
    """HQ's hearing (ヒアリング) with one hub for one fiscal year, and the scores it leads to."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SCORING = "scoring", _("Scoring")
        FINALISED = "finalised", _("Finalised")
        PUBLISHED = "published", _("Published")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="hearings",
                            verbose_name=_("hub"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="hearings")
    held_on = models.DateField(_("hearing date"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("HQ lead"))
    attendees = models.TextField(_("attendees"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SCHEDULED)
    finalised_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-fiscal_year", "hub__jis_code"]
        constraints = [models.UniqueConstraint(fields=["hub", "fiscal_year"],
                                               name="evaluation_hearing_one_per_year")]
        indexes = [models.Index(fields=["fiscal_year", "status"])]

    def __str__(self):
        return f"{self.hub} {self.fiscal_year}"

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.FINALISED, self.Status.PUBLISHED)


class Score(models.Model):
    """HQ's level for one guideline item at one hearing, with the evidence behind it."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="scores")
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVELS, null=True, blank=True)
    evidence = models.TextField(_("evidence note"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["hearing", "item"],
                                               name="evaluation_score_unique")]
        indexes = [models.Index(fields=["item", "level"])]

    def __str__(self):
        return f"{self.hearing} {self.item.code}: {self.level}"


class HearingEvent(models.Model):
    """The audit of a hearing's life: finalised, reopened (with the reason), published."""

    class Action(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        FINALISED = "finalised", _("Finalised")
        REOPENED = "reopened", _("Reopened")
        PUBLISHED = "published", _("Published")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.hearing} {self.action}"
