"""The plan form: one page with a fieldset per section. Field names and the mapping to the
plan's JSON live in plans/content.py."""

import unicodedata
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hubs.models import SupportAgency
from yorozu.core.versioned import VersionedForm

from . import content as plan_content
from .models import SECTIONS


def _half_width(value):
    """Full-width digits, commas and points as Japanese input methods type them."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).replace(",", "").replace("、", "")
        return value.strip()
    return value


class CountField(forms.IntegerField):
    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=10_000_000, required=False, **kwargs)

    def to_python(self, value):
        return super().to_python(_half_width(value))

    def widget_attrs(self, widget):
        return {}  # no type=number spinner limits: the server checks the range


class PercentField(forms.DecimalField):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, **kwargs):
        super().__init__(min_value=Decimal(0), max_value=Decimal(100), max_digits=4,
                         decimal_places=1, required=False, **kwargs)

    def to_python(self, value):
        return super().to_python(_half_width(value))

    def widget_attrs(self, widget):
        return {}


def _text(label, rows=4, max_length=4000):
    return forms.CharField(label=label, required=False, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}))


class PlanForm(VersionedForm):

    def __init__(self, *args, hub, indicators, chosen_agency_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for name, label in plan_content.analysis_labels().items():
            self.fields[plan_content.analysis_field(name)] = _text(label)
        months = plan_content.month_labels()
        for indicator in indicators:
            code = indicator.code
            if indicator.is_count:
                self.fields[plan_content.target_year_field(code)] = CountField(
                    label=_("%(indicator)s: year") % {"indicator": indicator.label},
                    help_text=_("Filled in from the monthly targets when they are given."))
                for i, month in enumerate(months):
                    self.fields[plan_content.target_month_field(code, i)] = CountField(
                        label=f"{indicator.label}: {month}")
            else:
                self.fields[plan_content.target_year_field(code)] = PercentField(
                    label=_("%(indicator)s (%%)") % {"indicator": indicator.label})
        for i in range(plan_content.MAX_PRIORITIES):
            title, target = plan_content.priority_fields(i)
            self.fields[title] = forms.CharField(
                label=_("Priority %(n)s: area") % {"n": i + 1}, required=False,
                max_length=200)
            self.fields[target] = forms.CharField(
                label=_("Priority %(n)s: what it should achieve") % {"n": i + 1},
                required=False, max_length=500)
        self.fields["initiatives"] = _text(_("Initiatives"), rows=8, max_length=10000)
        agencies = SupportAgency.objects.filter(hub=hub).filter(
            Q(is_active=True) | Q(pk__in=[a for a in chosen_agency_ids if a])
        ).order_by("kind", "name")
        for i in range(plan_content.MAX_COLLABORATIONS):
            agency, plan = plan_content.collaboration_fields(i)
            self.fields[agency] = forms.ModelChoiceField(
                queryset=agencies, required=False,
                label=_("Collaboration %(n)s: support agency") % {"n": i + 1})
            self.fields[plan] = forms.CharField(
                label=_("Collaboration %(n)s: what you plan together") % {"n": i + 1},
                required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            elif name.startswith("target_"):
                field.widget.attrs.setdefault("class", "form-control form-control-sm text-end")
            else:
                field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        cleaned = super().clean()
        for i in range(plan_content.MAX_PRIORITIES):
            title, target = plan_content.priority_fields(i)
            if cleaned.get(target) and not cleaned.get(title):
                self.add_error(title, _("Name the priority area this target belongs to."))
        for i in range(plan_content.MAX_COLLABORATIONS):
            agency, plan = plan_content.collaboration_fields(i)
            if cleaned.get(plan) and not cleaned.get(agency) and agency not in self.errors:
                self.add_error(agency, _("Choose the support agency from the hub's "
                                         "directory."))
        return cleaned

    def content(self) -> dict:
        return plan_content.from_cleaned(self.cleaned_data, self.indicators)

    # --- Groups of bound fields, for the template's fieldsets --------------------------------
    def analysis_fields(self):
        return [self[plan_content.analysis_field(n)] for n in plan_content.ANALYSIS_FIELDS]

    def target_rows(self):
        rows = []
        for indicator in self.indicators:
            code = indicator.code
            months = ([self[plan_content.target_month_field(code, i)]
                       for i in range(plan_content.MONTHS)] if indicator.is_count else [])
            rows.append({"indicator": indicator,
                         "year": self[plan_content.target_year_field(code)],
                         "months": months})
        return rows

    def priority_rows(self):
        return [[self[name] for name in plan_content.priority_fields(i)]
                for i in range(plan_content.MAX_PRIORITIES)]

    def collaboration_rows(self):
        return [[self[name] for name in plan_content.collaboration_fields(i)]
                for i in range(plan_content.MAX_COLLABORATIONS)]


class SectionCommentForm(forms.Form):
    """A comment on one section: the bureau's reason to return, or anyone's comment."""

    section = forms.ChoiceField(label=_("Section"), choices=[("", "---------"), *SECTIONS])
    text = forms.CharField(label=_("Comment"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write the comment."))
        return text


class ConfirmForm(forms.Form):
    # Required: a confirmation is of the plan as the user read it, never of a later text.
    version = forms.IntegerField(widget=forms.HiddenInput)
