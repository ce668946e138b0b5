from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from yorozu.core import fiscal

from .roles import HUB_ROLES, Role
from .scoping import HubScopedQuerySet


class HubQuerySet(HubScopedQuerySet):
    hub_field = "pk"


class Bureau(models.Model):
    """A METI regional bureau (経済産業局); nine, from hubs/data/bureaus.csv."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("regional bureau")
        verbose_name_plural = _("regional bureaus")
        ordering = ["sort_order"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self.name_ja, self.name_en)


class Hub(models.Model):
    """A prefecture's yorozu support hub (よろず支援拠点); 47, from hubs/data/prefectures.csv."""

    jis_code = models.CharField(_("prefecture code"), max_length=2, unique=True)
    prefecture_ja = models.CharField(_("prefecture (Japanese)"), max_length=10)
    prefecture_en = models.CharField(_("prefecture (English)"), max_length=20)
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="hubs",
                               verbose_name=_("regional bureau"))
    implementing_org = models.CharField(_("implementing organization"), max_length=200,
                                        blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)

    objects = HubQuerySet.as_manager()

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["jis_code"]
        # hubs' own; the apps above register theirs in hubs.permissions (no hubs migration).
        permissions = [
            ("view_hub_records", _("Can read the hub's clients, cases and sessions")),
            ("change_hub_records", _("Can log and edit the hub's consultations")),
            ("view_hub_aggregates", _("Can see the hub's figures")),
            ("view_hub_staff", _("Can see the hub's staff")),
            ("view_agencies", _("Can see the hub's support-agency directory")),
            ("manage_agencies", _("Can keep the hub's support-agency directory")),
            ("propose_appointment", _("Can propose coordinator appointments")),
            ("approve_appointment", _("Can approve coordinator appointments")),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(f"{self.prefecture_ja}よろず支援拠点",
                         f"{self.prefecture_en} Yorozu Support Hub")

    @property
    def prefecture(self):
        return localized(self.prefecture_ja, self.prefecture_en)


def localized(ja: str, en: str) -> str:
    from django.utils.translation import get_language

    return en if (get_language() or "ja").startswith("en") else ja


# Direct-foreign-key permission tables: guardian's generic tables would join through
# content types and a text object id, which does not scale to every request.
class HubUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Hub, on_delete=models.CASCADE)


class HubGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Hub, on_delete=models.CASCADE)


class BureauUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Bureau, on_delete=models.CASCADE)


class BureauGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Bureau, on_delete=models.CASCADE)


class AppointmentQuerySet(HubScopedQuerySet):
    def active(self, on=None):
        day = on or fiscal.today()
        return self.filter(status=Appointment.Status.APPROVED, starts_on__lte=day,
                           ends_on__gte=day)


class Appointment(models.Model):
    """A user's role at a hub, a bureau or HQ for (part of) one fiscal year. Access follows
    the appointments that are approved and in term today; nothing else grants it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting bureau approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REVOKED = "revoked", _("Revoked")

    class Invitation(models.TextChoices):
        SENT = "sent", _("Invitation email sent")
        FAILED = "failed", _("The invitation email could not be sent")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="appointments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="appointments", verbose_name=_("hub"))
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="appointments", verbose_name=_("regional bureau"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.APPROVED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    # The name the proposing hub typed. An email that already has an account keeps that
    # account's name, which the hub must not learn by proposing it (see shown_name).
    proposed_name = models.CharField(_("name in the proposal"), max_length=101, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The email sent when the bureau approves (hubs.invitations): whether it went out, so that
    # a failure shows on the appointments page with a way to send it again.
    invitation = models.CharField(_("invitation"), max_length=10, blank=True,
                                  choices=Invitation.choices)
    invitation_at = models.DateTimeField(_("invitation sent or tried at"), null=True,
                                         blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-fiscal_year", "hub__jis_code", "role"]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["hub", "status", "fiscal_year"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="hubs_appointment_scope_matches_role",
                condition=(
                    Q(role__in=sorted(HUB_ROLES), hub__isnull=False, bureau__isnull=True)
                    | Q(role=Role.BUREAU, hub__isnull=True, bureau__isnull=False)
                    | Q(role=Role.HQ, hub__isnull=True, bureau__isnull=True)
                ),
            ),
            models.CheckConstraint(name="hubs_appointment_dates_ordered",
                                   condition=Q(ends_on__gte=models.F("starts_on"))),
            models.UniqueConstraint(
                fields=["user", "hub", "role", "fiscal_year"],
                condition=Q(status__in=["proposed", "approved"], hub__isnull=False),
                name="hubs_appointment_one_open_per_hub_role_year",
            ),
        ]

    def __str__(self):
        where = self.hub or self.bureau or _("National HQ")
        return f"{self.user} · {self.get_role_display()} · {where} · {self.fiscal_year}"

    def shown_name(self, *, sees_account: bool) -> str:
        """Whom the appointment is for, as a viewer may see it: those who decide see the
        account; the proposing hub sees the name it typed, since any hub can type anyone's
        email."""
        if sees_account or not self.proposed_name:
            return str(self.user)
        return self.proposed_name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date must not be before the start date.")
        if self.fiscal_year and self.starts_on and not (
            fiscal.fiscal_year_start(self.fiscal_year) <= self.starts_on
        ):
            errors["starts_on"] = _("The term must lie within the fiscal year.")
        if self.fiscal_year and self.ends_on and not (
            self.ends_on <= fiscal.fiscal_year_end(self.fiscal_year)
        ):
            errors["ends_on"] = _("The term must lie within the fiscal year.")
        if errors:
            raise ValidationError(errors)

    def is_active_on(self, day) -> bool:
        return self.status == self.Status.APPROVED and self.starts_on <= day <= self.ends_on


class SupportAgency(models.Model):
    """Another regional SME support agency (支援機関) in the hub's prefecture."""

    class Kind(models.TextChoices):
        CHAMBER_OF_COMMERCE = "chamber", _("Chamber of commerce and industry")
        SOCIETY_OF_COMMERCE = "shokokai", _("Society of commerce and industry")
        FINANCIAL = "financial", _("Financial institution")
        CREDIT_GUARANTEE = "guarantee", _("Credit guarantee corporation")
        PROFESSIONAL = "professional", _("Licensed professional")
        MUNICIPALITY = "municipality", _("Local government")
        RESEARCH = "research", _("Public research institute")
        SME_CENTER = "sme_center", _("SME support center")
        OTHER = "other", _("Other")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="agencies",
                            verbose_name=_("hub"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("support agency")
        verbose_name_plural = _("support agencies")
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["hub", "is_active", "kind", "name"])]
        constraints = [
            models.UniqueConstraint(fields=["hub", "name"], name="hubs_agency_unique_name"),
        ]

    def __str__(self):
        return self.name
