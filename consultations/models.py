"""Clients, cases, sessions and referrals: the hub-owned consultation records.

Every model here carries its hub directly (not only through its case) so that the scoping
layer filters with one indexed column and every list is a hub-scoped, date-ordered index scan.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hubs.models import Hub, SupportAgency, localized
from hubs.scoping import HubScopedQuerySet

from .validators import (
    client_name_key,
    validate_corporate_number,
    validate_not_future,
    validate_phone,
)


class ReferenceData(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self.name_ja, self.name_en)


class Topic(ReferenceData):
    """A consultation topic (相談分野). Data, so that HQ can add topics in the admin."""

    class Meta(ReferenceData.Meta):
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")


class Industry(ReferenceData):
    """A JSIC division (日本標準産業分類 大分類), from hubs/data/jsic_divisions.csv."""

    class Meta(ReferenceData.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")


class Versioned(models.Model):
    """Optimistic locking: every edit says which version it started from (services.py)."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class NameKeyField(models.CharField):
    """The business name as the duplicate check compares it (validators.client_name_key).
    Set from the name on every insert and save, bulk_create included (it calls pre_save too),
    so that no way of writing a client leaves it stale."""

    def pre_save(self, model_instance, add):
        key = client_name_key(model_instance.name)
        setattr(model_instance, self.attname, key)
        return key


def _keeping(record, kept: list[str], kwargs: dict) -> dict:
    """save()'s arguments leaving out the fields kept with the sessions
    (consultations/summaries.py): a record read before a session was saved must not write
    its old values back."""
    if not record._state.adding and kwargs.get("update_fields") is None:
        kwargs["update_fields"] = [field.name for field in record._meta.concrete_fields
                                   if not field.primary_key and field.name not in kept]
    return kwargs


class Client(Versioned):
    """A consulting business or would-be founder (相談者), owned by one hub."""

    class Kind(models.TextChoices):
        CORPORATION = "corporation", _("Corporation")
        SOLE = "sole", _("Sole proprietor")
        STARTUP = "startup", _("Planning to start a business")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="clients",
                            verbose_name=_("hub"))
    name = models.CharField(_("business name"), max_length=200)
    name_key = NameKeyField(_("business name for comparison"), max_length=200, editable=False,
                            default="")
    name_kana = models.CharField(_("business name (kana)"), max_length=200, blank=True)
    kind = models.CharField(_("business type"), max_length=20, choices=Kind.choices,
                            default=Kind.CORPORATION)
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True,
        validators=[validate_corporate_number],
        help_text=_("13 digits, for corporations. Leave blank for others."))
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("industry"))
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    capital = models.PositiveBigIntegerField(_("capital (yen)"), null=True, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    representative = models.CharField(_("representative"), max_length=100, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    survey_consent = models.BooleanField(
        _("agrees to satisfaction surveys"), default=False,
        help_text=_("Personal data is used only to support the business, to contact it about "
                    "this consultation and, with this consent, to ask about satisfaction."))
    # Set when the personal fields were blanked (consultations/retention.py); the row and its
    # cases and sessions stay, so that every count stays as it was.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True,
                                         editable=False)
    # The day of the client's first session (any case): what "new clients" counts by
    # (evaluation/figures.py). Kept with the sessions by consultations/summaries.py.
    first_session_on = models.DateField(_("first consulted on"), null=True, blank=True,
                                        editable=False)

    objects = HubScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at", "name_key",
                                                 "anonymised_at", "first_session_on"])

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name_kana", "name"]
        indexes = [
            models.Index(fields=["hub", "name_kana"]),
            models.Index(fields=["hub", "name_key"]),
            models.Index(fields=["hub", "corporate_number"]),
            models.Index(fields=["hub", "phone"]),
            models.Index(fields=["hub", "-created_at"]),
            models.Index(fields=["hub", "first_session_on"]),
            models.Index(fields=["first_session_on", "hub"]),  # the nation's new clients
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **_keeping(self, ["first_session_on"], kwargs))

    def clean(self):
        if self.corporate_number and self.kind != self.Kind.CORPORATION:
            raise ValidationError({"corporate_number": _(
                "Only corporations have a corporate number. Change the business type or "
                "leave this blank.")})


class CaseTopic(models.Model):
    """A case's topic: the link table of Case.topics (defined before the case, whose history
    copies it), with the case's hub, so that a hub's cases of a topic are counted from one
    index (the case list's topic filter). Every write names the hub (`through_defaults`, or
    the column in bulk)."""

    case = models.ForeignKey("Case", on_delete=models.CASCADE)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE)
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        db_table = "consultations_case_topics"
        unique_together = [("case", "topic")]
        indexes = [models.Index(fields=["hub", "topic", "case"], name="consult_casetopic_hub_idx")]

    def __str__(self):
        return f"{self.case_id}: {self.topic}"


class MonthCounted:
    """A record counted in a monthly tally (consultations/tallies.py) by its hub and
    `counted_day`: read from the database, it remembers both, so that when a save moves it to
    another hub or month, the month it left is recounted too."""

    counted_day: str

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        record.loaded_month = (record.__dict__.get("hub_id"),
                               record.__dict__.get(cls.counted_day))
        return record


class Case(MonthCounted, Versioned):
    """A piece of support for one client (案件): topics, depth, and how it ended."""

    counted_day = "opened_on"  # its tallies' month (consultations/tallies.py)

    class Depth(models.TextChoices):
        EXPERT = "expert", _("Expert proposal")
        POLICY = "policy", _("Policy introduction")
        REFERRAL = "referral", _("Referral only")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed without resolution")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="cases",
                            verbose_name=_("hub"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("client"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="led_cases", verbose_name=_("lead coordinator"))
    topics = models.ManyToManyField(Topic, related_name="cases", verbose_name=_("topics"),
                                    through=CaseTopic)
    depth = models.CharField(_("support depth"), max_length=20, choices=Depth.choices,
                             default=Depth.EXPERT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    outcome = models.TextField(_("outcome summary"), blank=True)
    opened_on = models.DateField(_("opened on"), validators=[validate_not_future])
    closed_on = models.DateField(_("closed on"), null=True, blank=True,
                                 validators=[validate_not_future])
    # Kept with the sessions by consultations/summaries.py (the case list sorts by the count
    # and the last day, and counts a period's cases by the first and last days).
    session_count = models.PositiveIntegerField(_("sessions"), default=0, editable=False)
    first_session_on = models.DateField(_("first session"), null=True, blank=True,
                                        editable=False)
    last_session_on = models.DateField(_("last session"), null=True, blank=True,
                                       editable=False)

    objects = HubScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at", "session_count",
                                                 "first_session_on", "last_session_on"],
                                m2m_fields=[topics])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        indexes = [
            # The case list's order, key included: a page is a walk along it (PagedByKey).
            models.Index(fields=["hub", "-opened_on", "-id"], name="consult_case_hub_opened_idx"),
            models.Index(fields=["hub", "status", "-opened_on"]),
            models.Index(fields=["lead", "status", "-opened_on"]),
            # A period's cases counted from these two indexes alone (selectors.case_count;
            # the key, for the cases spanning the period). The last day's also serves the
            # list's order by it.
            models.Index(fields=["hub", "-last_session_on", "first_session_on"],
                         include=["id"], name="consult_case_hub_last_idx"),
            models.Index(fields=["hub", "first_session_on", "last_session_on"],
                         name="consult_case_hub_first_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="consultations_case_closed_when_not_open",
                condition=(models.Q(status="open", closed_on__isnull=True)
                           | (~models.Q(status="open") & models.Q(closed_on__isnull=False)))),
        ]

    def __str__(self):
        return f"{self.client} ({self.opened_on:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        super().save(*args, **_keeping(
            self, ["session_count", "first_session_on", "last_session_on"], kwargs))

    def clean(self):
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _(
                "The closing date must not be before the opening date.")})


class Session(MonthCounted, Versioned):
    """One consultation session (相談対応): the unit the network counts."""

    counted_day = "held_on"  # its tallies' month (consultations/tallies.py)

    class Channel(models.TextChoices):
        VISIT = "visit", _("Visit to the hub")
        OUTREACH = "outreach", _("Outreach visit")
        PHONE = "phone", pgettext_lazy("channel", "Phone")
        ONLINE = "online", _("Online")
        EMAIL = "email", pgettext_lazy("channel", "Email")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="sessions",
                            verbose_name=_("hub"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sessions",
                             verbose_name=_("case"))
    held_on = models.DateField(_("date"), validators=[validate_not_future])
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices,
                               default=Channel.VISIT)
    coordinators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="sessions",
                                          verbose_name=_("coordinators present"))
    summary = models.TextField(_("consultation summary"))
    proposal = models.TextField(_("what was proposed"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    # Kept by consultations/summaries.py: its next step still stands (the case is open and
    # no later session has been held). The follow-ups list reads it.
    step_stands = models.BooleanField(_("next step stands"), default=False, editable=False)
    # And its case's depth (Case.depth), by which the hub page counts the sessions of expert
    # proposals from an index alone instead of joining the hub's sessions to their cases.
    case_depth = models.CharField(_("support depth"), max_length=20, choices=Case.Depth.choices,
                                  editable=False)

    objects = HubScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at", "step_stands",
                                                 "case_depth"],
                                m2m_fields=[coordinators])

    class Meta:
        verbose_name = _("consultation session")
        verbose_name_plural = _("consultation sessions")
        ordering = ["-held_on", "-start_time", "-pk"]
        indexes = [
            # With the case: a hub's sessions of a period and their cases read from the index
            # alone (the hub page's expert sessions; case_count, with the cases spanning a
            # period).
            models.Index(fields=["hub", "-held_on", "case"], name="consult_session_hub_held_idx"),
            models.Index(fields=["hub", "channel", "-held_on"]),
            models.Index(fields=["case", "-held_on"]),
            # The follow-ups' next steps: counted and paged from the index alone.
            models.Index(fields=["hub", "next_step_due", "id"],
                         condition=models.Q(step_stands=True), name="consult_session_steps_idx"),
            # The hub page's sessions of expert-proposal cases: a hub's period counted from
            # the index alone.
            models.Index(fields=["hub", "held_on"], name="consult_session_expert_idx",
                         condition=models.Q(case_depth=Case.Depth.EXPERT)),
        ]

    def __str__(self):
        return f"{self.case.client} {self.held_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        super().save(*args, **_keeping(self, ["step_stands", "case_depth"], kwargs))

    @classmethod
    def from_db(cls, db, field_names, values):
        session = super().from_db(db, field_names, values)
        # The case it was read with: moved to another case, both clients' first sessions
        # change (consultations/summaries.py).
        session.loaded_case_id = session.__dict__.get("case_id")
        return session  # and its hub and day (MonthCounted)


class MonthTally(models.Model):
    """Records counted per hub, month and one field of theirs, kept with the records by
    consultations/tallies.py: national and bureau figures per month read a few hundred rows
    here instead of scanning hundreds of thousands of records."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # its first day

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["month", "hub"])]


class CaseTally(MonthTally):
    """Cases opened per hub, month and support depth."""

    depth = models.CharField(max_length=20, choices=Case.Depth.choices)
    cases = models.PositiveIntegerField()

    class Meta(MonthTally.Meta):
        constraints = [models.UniqueConstraint(fields=["hub", "month", "depth"],
                                               name="consult_case_tally_one_per_hub_month")]

    def __str__(self):
        return f"{self.hub_id} {self.month:%Y-%m} {self.depth}: {self.cases}"


class SessionTally(MonthTally):
    """Sessions per hub, month and channel."""

    channel = models.CharField(max_length=20, choices=Session.Channel.choices)
    sessions = models.PositiveIntegerField()

    class Meta(MonthTally.Meta):
        constraints = [models.UniqueConstraint(fields=["hub", "month", "channel"],
                                               name="consult_tally_one_per_hub_month")]

    def __str__(self):
        return f"{self.hub_id} {self.month:%Y-%m} {self.channel}: {self.sessions}"


class ClientTally(MonthTally):
    """New clients per hub and month: clients whose first session was held in the month
    (Client.first_session_on, "new clients" of evaluation/figures.py)."""

    clients = models.PositiveIntegerField()

    class Meta(MonthTally.Meta):
        constraints = [models.UniqueConstraint(fields=["hub", "month"],
                                               name="consult_client_tally_one_per_hub_month")]

    def __str__(self):
        return f"{self.hub_id} {self.month:%Y-%m}: {self.clients}"


class SessionTopicTally(MonthTally):
    """Sessions per hub, month, topic of their case and channel: a session once per topic of
    its case, topic None for a case without topics (the national roll-up's detail sheet)."""

    # PROTECT: a topic in use is retired (is_active), never deleted.
    topic = models.ForeignKey(Topic, null=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Session.Channel.choices)
    sessions = models.PositiveIntegerField()

    class Meta(MonthTally.Meta):
        # One row per key, "no topic" included (a NULL is distinct from every other in a
        # plain unique constraint): the key a save's difference is added at
        # (consultations/topic_tally.py, INSERT ... ON CONFLICT on these expressions).
        constraints = [models.UniqueConstraint(
            F("hub"), F("month"), Coalesce(F("topic"), Value(0),
                                           output_field=models.BigIntegerField()),
            F("channel"), name="consult_topic_tally_one_per_key")]

    def __str__(self):
        return f"{self.hub_id} {self.month:%Y-%m} {self.topic_id} {self.channel}: {self.sessions}"


class Referral(MonthCounted, Versioned):
    """A case handed to another support agency (紹介 / 連携), followed until the loop closes."""

    counted_day = "follow_up_due"  # its tallies' month (consultations/tallies.py)

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        JOINT = "joint", _("Joint support")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ACTING = "acting", _("Agency acting")
        REPORTED = "reported", _("Reported back")
        CLOSED = "closed", _("Closed")
        LAPSED = "lapsed", _("Lapsed")

    OPEN_STATUSES = (Status.SENT, Status.ACKNOWLEDGED, Status.ACTING, Status.REPORTED)

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="referrals",
                            verbose_name=_("hub"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals",
                             verbose_name=_("case"))
    agency = models.ForeignKey(SupportAgency, on_delete=models.PROTECT,
                               related_name="referrals", verbose_name=_("support agency"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.REFERRAL)
    reason = models.TextField(_("reason"))
    handed_over = models.TextField(_("information handed over"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SENT)
    agency_note = models.TextField(_("agency's report"), blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    objects = HubScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["follow_up_due", "pk"]
        indexes = [
            models.Index(fields=["hub", "status", "follow_up_due"]),
            # The nation's referrals due in a period, counted from the index alone.
            models.Index(fields=["follow_up_due", "hub", "status"],
                         name="consult_referral_due_idx"),
            models.Index(fields=["case", "-created_at"]),
            # The follow-ups' open referrals: counted and paged from the index alone (the
            # statuses are OPEN_STATUSES, which a nested class cannot name; a test compares).
            models.Index(fields=["hub", "follow_up_due", "id"], name="consult_referral_open_idx",
                         condition=models.Q(status__in=["sent", "acknowledged", "acting",
                                                        "reported"])),
        ]

    def __str__(self):
        return f"{self.case.client} → {self.agency}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ReferralLink(models.Model):
    """A single-use, expiring link that lets an agency answer without an account. Only a hash
    of the token is stored; the token itself exists only in the email."""

    class Purpose(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledge")
        REPORT = "report", _("Report back")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral link")
        verbose_name_plural = _("referral links")

    def __str__(self):
        return f"{self.referral} ({self.get_purpose_display()})"


class PersonalDataRead(models.Model):
    """Who read a client's personal data, and when. Written on every page or file that shows
    contact details; kept apart from change history so reads never bloat it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reads",
                               null=True, blank=True)
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=50)
    # A file of many clients (an export) is one row, not one per client: how many rows it
    # held and the filters that chose them say what was taken.
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal-data read")
        verbose_name_plural = _("personal-data reads")
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"]), models.Index(fields=["hub", "-at"])]

    def __str__(self):
        return f"{self.user} {self.what} {self.at:%Y-%m-%d %H:%M}"


class ClientDataAction(models.Model):
    """What was done with one client's personal data, by whom and when: a disclosure (export),
    an anonymisation on the client's request, or one at the end of the retention period.
    Written only by consultations/retention.py; read only in the admin."""

    class Action(models.TextChoices):
        EXPORTED = "exported", _("Data exported (disclosure request)")
        ANONYMISED = "anonymised", _("Anonymised on request")
        EXPIRED = "expired", _("Anonymised after the retention period")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="data_actions",
                               verbose_name=_("client"))
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("hub"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Empty for the yearly retention job.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+", verbose_name=_("done by"))
    at = models.DateTimeField(_("date and time"), auto_now_add=True, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal-data action")
        verbose_name_plural = _("personal-data actions")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.client_id} {self.at:%Y-%m-%d %H:%M}"


class ImportBatch(models.Model):
    """An import of historical sessions; keeps the rejected rows for download."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    imported = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # The rejected rows with their errors, an Excel file to correct and import again. In the
    # storage (the server's disk or the shared bucket), read only through the import views.
    rejected_file = models.FileField(upload_to="imports/rejected/%Y/%m/", blank=True)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("session import")
        verbose_name_plural = _("session imports")

    def __str__(self):
        return self.filename


class ReferralTally(MonthTally):
    """Referrals per hub, month of their follow-up date and status (the follow-up rate of the
    plan dashboards)."""

    status = models.CharField(max_length=20, choices=Referral.Status.choices)
    referrals = models.PositiveIntegerField()

    class Meta(MonthTally.Meta):
        constraints = [models.UniqueConstraint(fields=["hub", "month", "status"],
                                               name="consult_referral_tally_one_per_hub_month")]

    def __str__(self):
        return f"{self.hub_id} {self.month:%Y-%m} {self.status}: {self.referrals}"
