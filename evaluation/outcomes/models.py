"""Client outcomes (guideline item A-3: 売上・付加価値額の推移): a client's financial figures per
fiscal period of the firm, and the milestones (成果) it reached with the hub's help.

Amounts are in thousands of yen (千円), whole numbers, as Japanese financial statements and
the national evaluation give them. Value added (付加価値額) = operating profit + personnel
costs + depreciation, defined here once: `VALUE_ADDED_PARTS`, read by the model's
`value_added` and by the database expression `value_added_of` that evaluation/figures.py sums.

Both models carry their hub (the client's), so the scoping layer and the database's hub wall
(hubs/rls.py) cover them as they cover clients; every change is kept in their history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consultations.models import Case, Client, Session, Versioned
from consultations.validators import validate_not_before_hubs, validate_not_future
from hubs.models import Hub
from hubs.scoping import HubScopedQuerySet

# The figures a value-added sum adds up (付加価値額 = 営業利益 + 人件費 + 減価償却費).
VALUE_ADDED_PARTS = ("operating_profit", "personnel_costs", "depreciation")
# At most a trillion thousand yen either way: far above any SME, well inside a bigint.
MAX_AMOUNT = 999_999_999_999
AMOUNT = [MinValueValidator(-MAX_AMOUNT), MaxValueValidator(MAX_AMOUNT)]
NOT_NEGATIVE = [MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)]


def value_added_of(prefix: str = ""):
    """Value added as a database expression, over the snapshot at `prefix` (a lookup path
    ending in "__", or "" for the snapshot itself)."""
    first, *rest = VALUE_ADDED_PARTS
    expression = F(f"{prefix}{first}")
    for name in rest:
        expression = expression + F(f"{prefix}{name}")
    return expression


def validate_period_ended(value) -> None:
    """A period's figures are settled only once it has ended (and none before 2000)."""
    validate_not_future(value)
    if value.year < 2000:
        raise ValidationError(_("Enter a period that ended in 2000 or later."))


class FinancialSnapshot(Versioned):
    """A client's figures for one fiscal period of the firm (決算期), in thousands of yen."""

    class Source(models.TextChoices):
        STATEMENTS = "statements", _("Financial statements")
        TAX_RETURN = "tax_return", _("Tax return")
        HEARING = "hearing", _("Heard from the client")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("hub"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT,
                               related_name="financial_snapshots", verbose_name=_("client"))
    period_end = models.DateField(
        _("end of the fiscal period"), validators=[validate_period_ended],
        help_text=_("The last day of the firm's fiscal period (決算期末), e.g. 2025-03-31."))
    sales = models.BigIntegerField(_("sales (thousand yen)"), validators=NOT_NEGATIVE)
    operating_profit = models.BigIntegerField(
        _("operating profit (thousand yen)"), validators=AMOUNT,
        help_text=_("A loss is a negative number."))
    personnel_costs = models.BigIntegerField(_("personnel costs (thousand yen)"),
                                             validators=NOT_NEGATIVE)
    depreciation = models.BigIntegerField(_("depreciation (thousand yen)"),
                                          validators=NOT_NEGATIVE)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True,
                                            validators=[MaxValueValidator(1_000_000)])
    source = models.CharField(_("source"), max_length=20, choices=Source.choices,
                              default=Source.STATEMENTS)
    # Who checked the figures against the source, and when; empty until someone has.
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("checked by"), editable=False)
    verified_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)

    objects = HubScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("financial snapshot")
        verbose_name_plural = _("financial snapshots")
        ordering = ["client", "-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["client", "period_end"],
                                    name="outcomes_snapshot_one_per_period"),
            models.CheckConstraint(
                name="outcomes_snapshot_amounts_not_negative",
                condition=models.Q(sales__gte=0, personnel_costs__gte=0, depreciation__gte=0)),
        ]

    def __str__(self):
        return f"{self.client_id} {self.period_end:%Y-%m-%d}"

    @property
    def value_added(self) -> int | None:
        """付加価値額 (thousand yen): operating profit + personnel costs + depreciation."""
        parts = [getattr(self, name) for name in VALUE_ADDED_PARTS]
        return None if None in parts else sum(parts)

    @property
    def verified(self) -> bool:
        """Whether someone has checked the figures against the source (the form's tick)."""
        return self.verified_by_id is not None

    @property
    def period_label(self) -> str:
        """The period as Japanese firms name it: 2025年3月期."""
        return gettext("Year to %(month)s/%(year)s") % {"month": self.period_end.month,
                                                         "year": self.period_end.year}

    def clean(self):
        if self.client_id and self.hub_id and self.client.hub_id != self.hub_id:
            raise ValidationError(_("The client belongs to another hub."))


class Milestone(Versioned):
    """A result the client reached (成果) and the support it is attributed to: the case and,
    optionally, the session that contributed, both of the same client. Counted once the
    client has confirmed it (evaluation/figures.py, milestones_achieved)."""

    class Kind(models.TextChoices):
        NEW_PRODUCT = "new_product", _("New product or service developed")
        NEW_MARKET = "new_market", _("New sales channel or market")
        FINANCING = "financing", _("Financing obtained")
        SUCCESSION = "succession", _("Business succession")
        STARTUP = "startup", _("Business started")
        OTHER = "other", pgettext_lazy("milestone", "Other")

    class Confirmation(models.TextChoices):
        DOCUMENT = "document", _("In writing")
        EMAIL = "email", pgettext_lazy("confirmation", "By email")
        ORAL = "oral", _("Orally")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("hub"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="milestones",
                               verbose_name=_("client"))
    kind = models.CharField(_("kind of milestone"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("what kind"), max_length=100, blank=True,
                            help_text=_("Required for “Other”."))
    achieved_on = models.DateField(_("achieved on"),
                                   validators=[validate_not_future, validate_not_before_hubs])
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="milestones",
                             verbose_name=_("case that contributed"))
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="milestones",
                                verbose_name=_("session that contributed"))
    description = models.TextField(_("what was achieved"), max_length=2000)
    confirmed_on = models.DateField(_("confirmed by the client on"), null=True, blank=True,
                                    validators=[validate_not_future, validate_not_before_hubs])
    confirmation = models.CharField(_("how the client confirmed"), max_length=20, blank=True,
                                    choices=Confirmation.choices)
    # Who recorded the client's confirmation (set by the service when it is entered).
    confirmation_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("confirmation recorded by"), editable=False)

    objects = HubScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["client", "-achieved_on", "-pk"]
        indexes = [
            # milestones_achieved: a hub's (or the nation's) period, by kind.
            models.Index(fields=["hub", "achieved_on", "kind"],
                         condition=models.Q(confirmed_on__isnull=False),
                         name="outcomes_milestone_hub_idx"),
            models.Index(fields=["achieved_on", "hub"],
                         condition=models.Q(confirmed_on__isnull=False),
                         name="outcomes_milestone_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="outcomes_milestone_other_has_note",
                                   condition=~models.Q(kind="other", note="")),
            models.CheckConstraint(
                name="outcomes_milestone_confirmation_complete",
                condition=(models.Q(confirmed_on__isnull=True, confirmation="")
                           | (models.Q(confirmed_on__isnull=False) & ~models.Q(confirmation="")))),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.achieved_on:%Y-%m-%d}"

    @property
    def kind_label(self) -> str:
        return self.note if self.kind == self.Kind.OTHER and self.note else self.get_kind_display()

    def clean(self):
        errors = {}
        if self.kind == self.Kind.OTHER and not self.note:
            errors["note"] = _("Say what kind of milestone this is.")
        if self.case_id and self.case.client_id != self.client_id:
            errors["case"] = _("Choose a case of this client.")
        if self.session_id and self.session.case_id != self.case_id:
            errors["session"] = _("Choose a session of the case that contributed.")
        if self.client_id and self.hub_id and self.client.hub_id != self.hub_id:
            errors["client"] = _("The client belongs to another hub.")
        if bool(self.confirmed_on) != bool(self.confirmation):
            name = "confirmation" if self.confirmed_on else "confirmed_on"
            errors[name] = _("Give both the date and the way the client confirmed it, or "
                             "neither.")
        if self.confirmed_on and self.achieved_on and self.confirmed_on < self.achieved_on:
            errors["confirmed_on"] = _("The client confirms a milestone on or after the day "
                                       "it was achieved.")
        if errors:
            raise ValidationError(errors)
