"""A hub's self-study for the hearing (自己評価書): one per hub and fiscal year, written against
that year's published guideline, a narrative per guideline area and documents attached to an
area. The chief coordinator and the implementing organization write and submit it; HQ reads it
beside the hearing's evidence pack.

Every row carries its hub, so the scoping layer (`for_user`) and the database's hub wall
(hubs/rls.py) cover each of them directly."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.models import Area, Guideline
from hubs.models import Hub
from hubs.scoping import HubScopedQuerySet
from yorozu.core.uploads import KINDS

TEXT_MAX = 20_000


class SelfStudy(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being written")
        SUBMITTED = "submitted", _("Submitted")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="self_studies",
                            verbose_name=_("hub"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # When the hub last took it back for revision (shown to readers while it is a draft again).
    reopened_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Any change (an area saved, a document attached or removed, a submission) moves it on,
    # so a submission carries the version the submitter read.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-study")
        verbose_name_plural = _("self-studies")
        ordering = ["-fiscal_year", "hub__jis_code"]
        constraints = [models.UniqueConstraint(fields=["hub", "fiscal_year"],
                                               name="selfstudy_one_per_hub_and_year")]

    def __str__(self):
        return f"{self.hub} {self.fiscal_year}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Narrative(models.Model):
    """The hub's own account of one guideline area: what it did, how it judges itself."""

    self_study = models.ForeignKey(SelfStudy, on_delete=models.CASCADE,
                                   related_name="narratives")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("narrative"), blank=True, max_length=TEXT_MAX)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-study narrative")
        verbose_name_plural = _("self-study narratives")
        constraints = [models.UniqueConstraint(fields=["self_study", "area"],
                                               name="selfstudy_narrative_one_per_area")]

    def __str__(self):
        return f"{self.self_study} {self.area.code}"


def _stored_name(instance, filename) -> str:
    """A generated name, never the user's: the original stays in the row only."""
    return f"selfstudy/{uuid.uuid4().hex}{instance.extension}"


class Document(models.Model):
    """A file attached to an area of a self-study: PDF, .xlsx, PNG or JPEG, its type checked
    from its content (yorozu/core/uploads.py) and stored under a generated name."""

    self_study = models.ForeignKey(SelfStudy, on_delete=models.CASCADE,
                                   related_name="documents")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_stored_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(max_length=10)  # yorozu.core.uploads.KINDS
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("attached by"))
    uploaded_at = models.DateTimeField(_("attached at"), auto_now_add=True)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-study document")
        verbose_name_plural = _("self-study documents")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["self_study", "area"])]

    def __str__(self):
        return self.original_name

    @property
    def extension(self) -> str:
        return KINDS[self.kind].extension
