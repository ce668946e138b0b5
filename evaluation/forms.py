from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hubs.models import Appointment
from hubs.roles import Role
from yorozu.core.versioned import VersionedForm
from yorozu.core.widgets import DateInput

from .models import ITEM_ROLES, LEVELS, Area, Guideline, Hearing, Item


class MineOnlyForm(forms.Form):
    """A list's "mine only" tick: the rows the user leads (hearings as HQ lead)."""

    mine = forms.BooleanField(label=_("Mine only"), required=False,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def mine_only(self) -> bool:
        return self.is_valid() and self.cleaned_data["mine"]


class GuidelineForm(forms.ModelForm):
    class Meta:
        model = Guideline
        fields = ["title", "preface"]
        widgets = {"preface": forms.Textarea(attrs={"rows": 4})}


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ItemForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Applies to"), widget=forms.CheckboxSelectMultiple,
        choices=[(r.value, r.label) for r in ITEM_ROLES])

    class Meta:
        model = Item
        fields = ["code", "behaviour", "roles", "level_1", "level_2", "level_3", "level_4",
                  "evidence_hints", "sort_order"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in
                   ["behaviour", "level_1", "level_2", "level_3", "level_4", "evidence_hints"]}


def hq_users():
    return get_user_model().objects.filter(
        pk__in=Appointment.objects.active().filter(role=Role.HQ).values("user")
    ).order_by("family_name_kana", "family_name")


class HearingForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Hearing
        fields = ["held_on", "lead", "attendees", "notes"]
        widgets = {"held_on": DateInput(), "attendees": forms.Textarea(attrs={"rows": 2}),
                   "notes": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"lead": _("The HQ lead finalises and publishes the scores."),
                      "attendees": _("Who took part, from the hub and from HQ.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = hq_users()


class ScoreForm(VersionedForm):
    """One item's score, sent by htmx as it is chosen (the row renders its own version)."""

    level = forms.TypedChoiceField(label=_("Level"), choices=LEVELS, coerce=int,
                                   required=False, empty_value=None)
    evidence = forms.CharField(label=_("Evidence note"), required=False, max_length=4000)
    version = forms.IntegerField(min_value=0)  # required: every row carries its version


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen?"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
