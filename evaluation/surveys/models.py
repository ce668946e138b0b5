"""Surveys: client satisfaction after a case ends, and the implementing organization's
survey of the prefecture's support agencies (地域の支援機関アンケート).

An invitation is one recipient's single-use link. Answers are stored apart from invitations,
with no link back to the client or agency, so that results can be shown without showing who
said what."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultations.models import MonthCounted, MonthTally
from hubs.models import Hub, SupportAgency
from hubs.scoping import HubScopedQuerySet

SCALE = [(5, _("5 (very much)")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 (not at all)"))]


def _salt() -> str:
    return secrets.token_hex(16)


def score_field(label):
    return models.PositiveSmallIntegerField(
        label, choices=SCALE, validators=[MinValueValidator(1), MaxValueValidator(5)])


class Invitation(models.Model):
    """One recipient's link. The token is derived from the random salt and the server's
    secret (see links.py) and only its SHA-256 is stored; deriving it again lets a send that
    was cut off by a crash repeat the very same email rather than a second, different one."""

    salt = models.CharField(max_length=32, default=_salt, editable=False)
    generation = models.PositiveSmallIntegerField(default=0)  # bumped by each reminder
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    email = models.EmailField(_("email"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_error = models.CharField(max_length=300, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


# --- Client satisfaction ---------------------------------------------------------------------
class SatisfactionInvitation(Invitation):
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("consultations.Case", on_delete=models.CASCADE,
                                related_name="satisfaction_invitation")
    # The case's lead coordinator when the case ended: answers count towards them.
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    objects = HubScopedQuerySet.as_manager()

    # The label the model had when its links were first derived (links.token_for), kept so
    # that links and open visits of before the surveys app stay valid.
    LINK_LABEL = "evaluation.satisfactioninvitation"

    class Meta:
        # The table kept its name when the model moved from the evaluation app.
        db_table = "evaluation_satisfactioninvitation"
        verbose_name = _("satisfaction survey invitation")
        indexes = [models.Index(fields=["hub", "-created_at"]),
                   models.Index(fields=["sent_at"], name="surveys_sat_unsent_idx",
                                condition=models.Q(sent_at__isnull=True))]

    def __str__(self):
        return f"satisfaction invitation {self.pk}"


class SatisfactionResponse(MonthCounted, models.Model):
    """One client's answers. Deliberately without the case or client: only the hub, the
    coordinator the answers count towards, and the date."""

    counted_day = "answered_on"  # its tally's month (consultations/tallies.py)

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    answered_on = models.DateField()
    overall = score_field(_("Overall, how satisfied are you with the hub's support?"))
    understanding = score_field(_("Did the coordinator understand your business and its "
                                  "problems?"))
    usefulness = score_field(_("Were the proposals and advice useful?"))
    speed = score_field(_("Did the hub respond promptly?"))
    recommend = score_field(_("Would you recommend the hub to other businesses?"))
    comment = models.TextField(_("Anything else you would like to tell us"), blank=True)

    objects = HubScopedQuerySet.as_manager()

    QUESTIONS = ["overall", "understanding", "usefulness", "speed", "recommend"]
    SATISFIED = 4  # "satisfied" for the plan indicator: 4 or 5 on the overall question

    class Meta:
        db_table = "evaluation_satisfactionresponse"
        verbose_name = _("satisfaction survey answer")
        indexes = [models.Index(fields=["hub", "answered_on"]),
                   models.Index(fields=["coordinator", "answered_on"]),
                   # The nation's answers of a period, counted from the index alone.
                   models.Index(fields=["answered_on", "hub", "overall"],
                                name="surveys_sat_answered_idx")]

    def __str__(self):
        return f"satisfaction answer {self.pk}"


class SatisfactionTally(MonthTally):
    """Satisfaction answers per hub, month and overall score (1-5), kept with the answers
    (consultations/tallies.py, SATISFACTION below): the plan dashboards' monthly satisfaction
    of many hubs reads these rows instead of grouping the year's answers."""

    overall = models.PositiveSmallIntegerField()
    answers = models.PositiveIntegerField()

    class Meta(MonthTally.Meta):
        constraints = [models.UniqueConstraint(fields=["hub", "month", "overall"],
                                               name="surveys_sat_tally_one_per_hub_month")]

    def __str__(self):
        return f"{self.hub_id} {self.month:%Y-%m} {self.overall}: {self.answers}"


# --- Regional support-agency survey ----------------------------------------------------------
class AgencySurvey(models.Model):
    """A campaign of the implementing organization to the agencies of its prefecture."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="agency_surveys",
                            verbose_name=_("hub"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message to the agencies"), blank=True)
    deadline = models.DateField(_("answer by"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HubScopedQuerySet.as_manager()

    class Meta:
        db_table = "evaluation_agencysurvey"
        verbose_name = _("regional support-agency survey")
        verbose_name_plural = _("regional support-agency surveys")
        ordering = ["-fiscal_year", "-created_at"]
        indexes = [models.Index(fields=["hub", "-fiscal_year"])]

    def __str__(self):
        return self.title


class AgencyInvitationQuerySet(HubScopedQuerySet):
    hub_field = "survey__hub"


class AgencyInvitation(Invitation):
    survey = models.ForeignKey(AgencySurvey, on_delete=models.CASCADE,
                               related_name="invitations")
    agency = models.ForeignKey(SupportAgency, on_delete=models.PROTECT, related_name="+")
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    objects = AgencyInvitationQuerySet.as_manager()

    # The label the model had when its links were first derived (links.token_for), kept so
    # that links and open visits of before the surveys app stay valid.
    LINK_LABEL = "evaluation.agencyinvitation"

    class Meta:
        db_table = "evaluation_agencyinvitation"
        verbose_name = _("support-agency survey invitation")
        constraints = [models.UniqueConstraint(fields=["survey", "agency"],
                                               name="surveys_one_invitation_per_agency")]
        indexes = [models.Index(fields=["survey", "sent_at"])]

    def __str__(self):
        return f"{self.survey} → {self.agency}"


class AgencyResponseQuerySet(HubScopedQuerySet):
    hub_field = "survey__hub"


class AgencyResponse(models.Model):
    """One agency's answers, kept apart from its invitation: the hub sees what agencies of
    each type said, not which agency said it."""

    survey = models.ForeignKey(AgencySurvey, on_delete=models.CASCADE,
                               related_name="responses")
    agency_kind = models.CharField(_("type of agency"), max_length=20,
                                   choices=SupportAgency.Kind.choices)
    answered_on = models.DateField()
    collaboration = score_field(_("How well does your organization work together with the "
                                  "hub?"))
    usefulness = score_field(_("How useful is the hub's support to the businesses you "
                               "serve?"))
    referrals = score_field(_("How good are the hub's referrals and hand-overs to you?"))
    accessibility = score_field(_("How easy is it to contact and consult the hub?"))
    requests = models.TextField(_("What would you like the hub to do or change?"), blank=True)
    good_practice = models.TextField(_("Examples of good collaboration with the hub"),
                                     blank=True)

    objects = AgencyResponseQuerySet.as_manager()

    QUESTIONS = ["collaboration", "usefulness", "referrals", "accessibility"]

    class Meta:
        db_table = "evaluation_agencyresponse"
        verbose_name = _("support-agency survey answer")
        indexes = [models.Index(fields=["survey", "answered_on"])]

    def __str__(self):
        return f"{self.survey} answer {self.pk}"
