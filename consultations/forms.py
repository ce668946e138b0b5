from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hubs.models import Appointment, SupportAgency
from hubs.roles import Role
from yorozu.core import fiscal, versioned
from yorozu.core.widgets import DateInput

from .models import Case, Client, Referral, Session, Topic
from .services import CLIENT_FIELDS, SESSION_FIELDS
from .validators import (
    MAX_MINUTES,
    clean_text,
    normalize_digits,
    validate_minutes,
    validate_not_before_hubs,
    validate_not_far_ahead,
)

# The bounds the import checks too (validators.py), added to the model fields' own.
RECORD_DATE = [validate_not_before_hubs]
DUE_DATE = [validate_not_before_hubs, validate_not_far_ahead]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _clean_value(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [_clean_value(v) for v in value]
    return value


def clean_input(data):
    """Submitted data with every text value cleaned (validators.clean_text)."""
    if hasattr(data, "lists"):  # a QueryDict: keep every value of a repeated key
        cleaned = data.copy()
        for key, values in data.lists():
            cleaned.setlist(key, _clean_value(values))
        return cleaned
    return {key: _clean_value(value) for key, value in data.items()}


class CleanInput:
    """Cleans what was typed before any field sees it: a name made only of invisible
    characters is then empty, and lengths count what is stored. Bidi overrides and zero-width
    characters would otherwise make one business look like another, or a name read backwards."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(None if data is None else clean_input(data), *args, **kwargs)


def add_validators(form, bounds: dict) -> None:
    for name, validators in bounds.items():
        form.fields[name].validators = [*form.fields[name].validators, *validators]


class VersionedForm(CleanInput, versioned.VersionedForm, forms.ModelForm):
    """A record's edit form: cleaned input and the hidden version (yorozu.core.versioned)."""


def hub_coordinators(hub):
    """Users who log consultations at the hub today: coordinators and chief coordinators."""
    return get_user_model().objects.filter(
        pk__in=Appointment.objects.active().filter(
            hub=hub, role__in=[Role.COORDINATOR, Role.CHIEF]).values("user")
    ).order_by("family_name_kana", "family_name", "given_name")


def people_choices(people) -> list[tuple[int, str]]:
    """A query of users as a select lists them (key, name as the user's str), read as values:
    a list page's filter draws a hub's seventy-odd coordinators without making a user of each
    (a tenth of the case list's drawing)."""
    User = get_user_model()
    return [(pk, User.name_of(*names))
            for pk, *names in people.values_list("pk", *User.NAME_FIELDS)]


class DigitsField(forms.CharField):
    """Accepts full-width digits and hyphens, as Japanese input methods type them, and
    normalises before any length or format check runs."""

    def __init__(self, *, strip_hyphens: bool = False, **kwargs):
        self.strip_hyphens = strip_hyphens
        super().__init__(**kwargs)

    def to_python(self, value):
        value = normalize_digits(super().to_python(value))
        return value.replace("-", "") if self.strip_hyphens else value


class ClientForm(VersionedForm):
    class Meta:
        model = Client
        fields = CLIENT_FIELDS
        widgets = {"survey_consent": forms.CheckboxInput()}
        field_classes = {"corporate_number": DigitsField, "phone": DigitsField}

    def __init__(self, *args, hub=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hub is not None:
            self.instance.hub = hub
        attrs = {"name_kana": {"lang": "ja"}, "phone": {"autocomplete": "off", "inputmode": "tel"},
                 "corporate_number": {"inputmode": "numeric", "maxlength": "13"},
                 "email": {"autocomplete": "off"}}
        for name, extra in attrs.items():
            self.fields[name].widget.attrs.update(extra)
        self.fields["industry"].empty_label = _("(not known)")
        self.fields["corporate_number"].strip_hyphens = True
        for name in ("corporate_number", "phone"):
            # Room for full-width input with hyphens; the length is checked after normalising.
            self.fields[name].widget.attrs["maxlength"] = "30"
            self.fields[name].max_length = None
            self.fields[name].validators = [v for v in self.fields[name].validators
                                            if not hasattr(v, "limit_value")]


class CaseForm(VersionedForm):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Case
        fields = ["lead", "topics", "depth", "status", "outcome", "opened_on", "closed_on"]
        widgets = {"opened_on": DateInput(), "closed_on": DateInput(),
                   "outcome": forms.Textarea(attrs={"rows": 3}),
                   "depth": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = hub_coordinators(self.instance.hub)
        add_validators(self, {"opened_on": RECORD_DATE, "closed_on": RECORD_DATE})
        self.fields["closed_on"].help_text = _("Needed when the case is resolved or closed.")

    def clean(self):
        data = super().clean()
        status, closed_on = data.get("status"), data.get("closed_on")
        if status and status != Case.Status.OPEN and not closed_on:
            self.add_error("closed_on", _("Enter the date the case was resolved or closed."))
        return data


class SessionForm(VersionedForm):
    coordinators = forms.ModelMultipleChoiceField(
        label=_("Coordinators present"), queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Session
        fields = SESSION_FIELDS + ["coordinators"]
        widgets = {"held_on": DateInput(), "start_time": TimeInput(),
                   "next_step_due": DateInput(), "channel": forms.RadioSelect,
                   "summary": forms.Textarea(attrs={"rows": 4}),
                   "proposal": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, hub, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinators"].queryset = hub_coordinators(hub)
        self.fields["duration_minutes"].widget.attrs.update({"min": 5, "max": MAX_MINUTES,
                                                              "step": 5})
        add_validators(self, {"held_on": RECORD_DATE, "next_step_due": DUE_DATE,
                              "duration_minutes": [validate_minutes]})
        if not self.instance.pk and not self.is_bound:
            # The usual case: today, logged by the coordinator who held it.
            self.initial["held_on"] = self.initial.get("held_on") or fiscal.today()
            if user is not None and not self.initial.get("coordinators"):
                self.initial["coordinators"] = [user.pk]

    def clean(self):
        data = super().clean()
        held_on, start = data.get("held_on"), data.get("start_time")
        if held_on and start and held_on == fiscal.today():
            now = timezone.localtime().time()
            if start > now:
                self.add_error("start_time", _("This time is in the future. Record only what "
                                               "has happened."))
        due = data.get("next_step_due")
        if due and held_on and due < held_on:
            self.add_error("next_step_due", _("The due date must not be before the session."))
        if due and not data.get("next_step"):
            self.add_error("next_step", _("Say what the next step is, or clear its due date."))
        return data


class QuickCaseForm(CleanInput, forms.Form):
    """The case part of the quick log: used when a new case is opened."""

    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple, required=False)
    depth = forms.ChoiceField(label=_("Support depth"), choices=Case.Depth.choices,
                              initial=Case.Depth.EXPERT, widget=forms.RadioSelect)


class ReferralForm(CleanInput, forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["agency", "kind", "reason", "handed_over", "follow_up_due"]
        widgets = {"follow_up_due": DateInput(), "kind": forms.RadioSelect,
                   "reason": forms.Textarea(attrs={"rows": 3}),
                   "handed_over": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "handed_over": _("What the agency needs to know. The agency sees this text, the "
                             "business name and your contact details; nothing else."),
            "follow_up_due": _("By when you expect to hear back. You are reminded after it."),
        }

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = SupportAgency.objects.filter(hub=hub, is_active=True)
        add_validators(self, {"follow_up_due": DUE_DATE})
        self.fields["agency"].help_text = _("Agencies of your hub's directory; the link is "
                                            "sent to the agency's email address.")
        if not self.is_bound:
            self.initial.setdefault("follow_up_due", fiscal.today() + timedelta(days=14))

    def clean_follow_up_due(self):
        due = self.cleaned_data["follow_up_due"]
        if due < fiscal.today():
            raise forms.ValidationError(_("The follow-up date must not be in the past."))
        return due


class ReferralCloseForm(CleanInput, versioned.VersionedForm):
    version = forms.IntegerField(widget=forms.HiddenInput)  # required: the form always has it
    outcome = forms.ChoiceField(label=_("How did it end?"), widget=forms.RadioSelect, choices=[
        ("closed", _("Closed: the agency took it up and reported back")),
        ("lapsed", _("Lapsed: no answer, or the client did not pursue it")),
    ], initial="closed")
    note = forms.CharField(label=_("Closing note"), widget=forms.Textarea(attrs={"rows": 3}))


class AgencyReportForm(CleanInput, forms.Form):
    note = forms.CharField(
        label=_("Your report"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you did for the business and how it went. The hub's coordinator "
                    "reads this."))
