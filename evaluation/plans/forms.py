"""The plan's edit page: a form for the text sections and an inline formset per table section
(targets, priorities, collaborations), shown as one page with a fieldset per section. The
field names and the mapping to the plan's document live in plans/content.py."""

import unicodedata
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
    ManagementForm,
)
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from hubs.models import SupportAgency
from yorozu.core.versioned import VersionedForm

from . import content as plan_content
from . import measures
from .models import SECTIONS, AnnualPlan, PlanCollaboration, PlanPriority, PlanTarget


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
                           widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}))


class PlanTextForm(VersionedForm, forms.ModelForm):
    """The sections that are text on the plan itself: the regional analysis and the
    initiatives, with the version the user started from."""

    class Meta:
        model = AnnualPlan
        fields = [*(plan_content.analysis_field(n) for n in plan_content.ANALYSIS_FIELDS),
                  "initiatives"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in plan_content.analysis_labels().items():
            self.fields[plan_content.analysis_field(name)] = _text(label)
        self.fields["initiatives"] = _text(_("Initiatives"), rows=8, max_length=10000)


# --- The table sections: a formset each -------------------------------------------------------
class SlotForm(forms.ModelForm):
    """A row of a SlotFormSet: its fields are named `<slot>_<field>` (priority_1_title), as
    on the page before formsets; `html_names` renames a field whose model name differs."""

    html_names: dict[str, str] = {}

    def add_prefix(self, field_name):
        return f"{self.prefix}_{self.html_names.get(field_name, field_name)}"


class SlotFormSet(forms.BaseInlineFormSet):
    """An inline formset with a fixed number of rows ("slots") that the page always shows,
    each filled in from the draft's document. Rows are addressed by their slot (the n-th
    priority, the target of the n-th indicator) and the plan by the URL: the POST carries
    no row ids and no counts, only the fields. The formset validates; the service writes
    the rows (replacing the draft's, inside the versioned save)."""

    def __init__(self, data=None, *, instance, slots: list, **kwargs):
        self.slots = slots
        super().__init__(data, instance=instance, **kwargs)

    @cached_property
    def management_form(self):
        # The counts are the server's (the slots), never the client's.
        data = {f"{self.prefix}-{name}": value for name, value in (
            (TOTAL_FORM_COUNT, len(self.slots)), (INITIAL_FORM_COUNT, 0),
            (MIN_NUM_FORM_COUNT, 0), (MAX_NUM_FORM_COUNT, len(self.slots)))}
        form = ManagementForm(data, auto_id=self.auto_id, prefix=self.prefix)
        form.full_clean()
        return form

    def total_form_count(self):
        return len(self.slots)

    def initial_form_count(self):
        return 0  # every row is filled in from `initial`, none bound to a stored row

    def get_form_kwargs(self, index):
        # A slot left as it was is still read (a prefilled row is not an "extra" one).
        return {**super().get_form_kwargs(index), "empty_permitted": False}

    def add_fields(self, form, index):
        pass  # no row id and no plan field: see the class's docstring

    def add_prefix(self, index):
        return self.slot_name(index)

    def slot_name(self, index) -> str:
        raise NotImplementedError

    def cleaned_fields(self) -> dict:
        """Every row's cleaned values under the names the page posts them by."""
        return {form.add_prefix(name): value for form in self.forms
                for name, value in form.cleaned_data.items()}


class TargetForm(SlotForm):
    """One indicator's targets: the year's, and for a count one per month (target_sessions_m1
    is April's)."""

    class Meta:
        model = PlanTarget
        fields = ["year", *PlanTarget.MONTH_FIELDS]

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.is_count:
            self.fields["year"] = CountField(
                label=_("%(indicator)s: year") % {"indicator": indicator.label},
                help_text=_("Filled in from the monthly targets when they are given."))
            for name, month in zip(PlanTarget.MONTH_FIELDS, plan_content.month_labels(),
                                   strict=True):
                self.fields[name] = CountField(label=f"{indicator.label}: {month}")
        else:
            self.fields = {"year": PercentField(
                label=_("%(indicator)s (%%)") % {"indicator": indicator.label})}
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm text-end")


class BaseTargetFormSet(SlotFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "indicator": self.slots[index]}

    def slot_name(self, index):
        return f"target_{self.slots[index].code}"


class PriorityForm(SlotForm):
    """One priority area: its title and description, and how it is measured (a measure, the
    topics or kind of milestone it counts, a numeric target for the year). A draft may leave
    the measure and target for later (the plan is not submitted without them:
    services.plan_confirm); what is given must fit together."""

    class Meta:
        model = PlanPriority
        fields = ["title", "description", "measure", "topics", "milestone_kind", "target"]

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        n = self.prefix.rsplit("_", 1)[-1]
        self.fields["title"].label = _("Priority %(n)s: area") % {"n": n}
        self.fields["description"] = forms.CharField(
            label=_("Priority %(n)s: what it should achieve") % {"n": n}, required=False,
            max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["measure"] = forms.ChoiceField(
            label=_("Priority %(n)s: measure") % {"n": n}, required=False,
            choices=[("", _("Choose how it is measured")),
                     *((kind.code, kind.label) for kind in measures.KINDS.values())])
        self.fields["topics"] = forms.MultipleChoiceField(
            label=_("Priority %(n)s: consultation topics counted") % {"n": n},
            required=False, choices=topics,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
        self.fields["milestone_kind"] = forms.ChoiceField(
            label=_("Priority %(n)s: kind of milestone") % {"n": n}, required=False,
            choices=[("", "---------"), *measures.milestone_kinds()])
        self.fields["target"] = PriorityTargetField(
            label=_("Priority %(n)s: target for the year") % {"n": n})
        for name, field in self.fields.items():
            field.required = False
            if name == "topics":
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        cleaned = super().clean()
        kind = measures.KINDS.get(cleaned.get("measure") or "")
        has_title = bool((cleaned.get("title") or "").strip())
        target = cleaned.get("target")
        if not has_title and ((cleaned.get("description") or "").strip() or kind
                              or target is not None):
            self.add_error("title", _("Name the priority area this target belongs to."))
        if target is not None and kind is None and "measure" not in self.errors:
            self.add_error("measure", _("Choose the measure this target is for."))
        if kind is not None:
            self._clean_measure(kind, cleaned)
        else:  # what only a measure uses is not kept without one
            cleaned["topics"], cleaned["milestone_kind"] = [], ""
        return cleaned

    def _clean_measure(self, kind, cleaned) -> None:
        if kind.needs == "topics" and not cleaned.get("topics") and "topics" not in self.errors:
            self.add_error("topics", _("Choose at least one consultation topic to count."))
        if kind.needs == "milestone_kind" and not cleaned.get("milestone_kind"):
            self.add_error("milestone_kind", _("Choose the kind of milestone to count."))
        # What the measure does not use is not kept.
        if kind.needs != "topics":
            cleaned["topics"] = []
        if kind.needs != "milestone_kind":
            cleaned["milestone_kind"] = ""
        target = cleaned.get("target")
        if target is None or "target" in self.errors:
            return
        if not kind.minimum <= target <= kind.maximum:
            self.add_error("target", _("Enter a target between %(low)s and %(high)s.") % {
                "low": kind.minimum, "high": f"{kind.maximum:,}"})
        elif kind.is_count and target != target.to_integral_value():
            self.add_error("target", _("A count's target is a whole number."))


class PriorityTargetField(forms.DecimalField):
    """A priority's numeric target: a count or a percentage (one decimal place); the range
    depends on the measure, which the form checks (PriorityForm.clean)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, **kwargs):
        super().__init__(max_digits=9, decimal_places=1, required=False, **kwargs)

    def to_python(self, value):
        return super().to_python(_half_width(value))

    def widget_attrs(self, widget):
        return {}


class BasePriorityFormSet(SlotFormSet):
    def __init__(self, *args, chosen_topics=(), **kwargs):
        # The topics in use, and those the draft counts even if retired since.
        self.topics = measures.topic_choices(chosen=chosen_topics)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "topics": self.topics}

    def slot_name(self, index):
        return plan_content.priority_fields(index)[0].rsplit("_", 1)[0]  # priority_1


class CollaborationForm(SlotForm):
    # The model's `plan` is the plan itself; the page posts the text as collab_1_plan.
    html_names = {"text": "plan"}

    class Meta:
        model = PlanCollaboration
        fields = ["agency", "text"]

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        n = self.prefix.rsplit("_", 1)[-1]
        self.fields["agency"] = forms.ModelChoiceField(
            queryset=agencies, required=False,
            label=_("Collaboration %(n)s: support agency") % {"n": n},
            widget=forms.Select(attrs={"class": "form-select"}))
        self.fields["text"] = forms.CharField(
            label=_("Collaboration %(n)s: what you plan together") % {"n": n},
            required=False, max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("text") or "").strip() and not cleaned.get("agency") \
                and "agency" not in self.errors:
            self.add_error("agency", _("Choose the support agency from the hub's directory."))
        return cleaned


class BaseCollaborationFormSet(SlotFormSet):
    def __init__(self, *args, hub, chosen_agency_ids=(), **kwargs):
        # The hub's agencies in use, and those the draft names even if retired since.
        self.agencies = SupportAgency.objects.filter(hub=hub).filter(
            Q(is_active=True) | Q(pk__in=[a for a in chosen_agency_ids if a])
        ).order_by("kind", "name")
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "agencies": self.agencies}

    def slot_name(self, index):
        return plan_content.collaboration_fields(index)[0].rsplit("_", 1)[0]  # collab_1

    def clean(self):
        # One row per agency (the database holds it too): the later row says so.
        seen = set()
        for form in self.forms:
            agency = getattr(form, "cleaned_data", {}).get("agency")
            if agency is not None and agency.pk in seen:
                form.add_error("agency", _("This support agency is already named above: "
                                           "write what you plan with it in one row."))
            elif agency is not None:
                seen.add(agency.pk)
        super().clean()


def _formset(model, form, formset):
    return forms.inlineformset_factory(AnnualPlan, model, form=form, formset=formset,
                                       fields=form.Meta.fields, extra=0, can_delete=False)


TargetFormSet = _formset(PlanTarget, TargetForm, BaseTargetFormSet)
PriorityFormSet = _formset(PlanPriority, PriorityForm, BasePriorityFormSet)
CollaborationFormSet = _formset(PlanCollaboration, CollaborationForm, BaseCollaborationFormSet)


# --- The page's form: the text form and the three formsets as one -----------------------------
class PlanForm:
    """The edit page: PlanTextForm and the formsets of targets, priorities and
    collaborations. To submit_versioned and the page's error summary it reads as one form:
    `errors` and `form[name]` by the names the page posts, iteration over every field."""

    def __init__(self, data=None, *, plan, hub, indicators, stored: dict):
        self.indicators = indicators
        self.is_bound = data is not None
        self.text = PlanTextForm(data, instance=plan)
        self.targets = TargetFormSet(
            data, instance=plan, slots=indicators,
            initial=[_target_initial(stored["targets"][i.code]) for i in indicators])
        rows = stored["priorities"]
        self.priorities = PriorityFormSet(
            data, instance=plan, slots=list(range(plan_content.MAX_PRIORITIES)),
            chosen_topics=measures.topics_in(rows),
            initial=[rows[i] if i < len(rows) else {} for i in range(plan_content.MAX_PRIORITIES)])
        rows = stored["collaboration"][:plan_content.MAX_COLLABORATIONS]
        self.collaborations = CollaborationFormSet(
            data, instance=plan, hub=hub, chosen_agency_ids=[r["agency_id"] for r in rows],
            slots=list(range(plan_content.MAX_COLLABORATIONS)),
            initial=[{"agency": r["agency_id"], "text": r["plan"]} for r in rows]
            + [{}] * (plan_content.MAX_COLLABORATIONS - len(rows)))
        self.formsets = (self.targets, self.priorities, self.collaborations)

    def is_valid(self) -> bool:
        valid = [self.text.is_valid(), *(f.is_valid() for f in self.formsets)]
        return all(valid)  # every part validated, so that every error shows at once

    def _parts(self):
        yield self.text
        for formset in self.formsets:
            yield from formset.forms

    @property
    def errors(self) -> dict:
        found = {}
        for form in self._parts():
            for name, errors in form.errors.items():
                key = name if name == NON_FIELD_ERRORS else form.add_prefix(name)
                found.setdefault(key, []).extend(errors)
        return found

    def non_field_errors(self) -> list:
        return [*(e for form in self._parts() for e in form.non_field_errors()),
                *(e for formset in self.formsets for e in formset.non_form_errors())]

    def __iter__(self):
        """Every field in the page's order (the error summary lists them so)."""
        yield self.text["version"]
        yield from self.analysis_fields()
        for form in (*self.targets.forms, *self.priorities.forms):
            yield from form
        yield self.text["initiatives"]
        for form in self.collaborations.forms:
            yield from form

    def __getitem__(self, name):
        for form in self._parts():
            for field_name in form.fields:
                if form.add_prefix(field_name) == name:
                    return form[field_name]
        raise KeyError(name)

    def started_from(self) -> int:
        return self.text.started_from()

    def keep_input_after_conflict(self, current) -> None:
        self.text.keep_input_after_conflict(current)

    def content(self) -> dict:
        cleaned = dict(self.text.cleaned_data)
        for formset in self.formsets:
            cleaned.update(formset.cleaned_fields())
        return plan_content.from_cleaned(cleaned, self.indicators)

    def has_agencies(self) -> bool:
        return self.collaborations.agencies.exists()

    # --- Groups of bound fields, for the template's fieldsets --------------------------------
    @property
    def version(self):
        return self.text["version"]

    @property
    def initiatives(self):
        return self.text["initiatives"]

    def analysis_fields(self):
        return [self.text[plan_content.analysis_field(n)] for n in plan_content.ANALYSIS_FIELDS]

    def target_rows(self):
        return [{"indicator": form.indicator, "year": form["year"],
                 "months": [form[name] for name in PlanTarget.MONTH_FIELDS
                            if name in form.fields]}
                for form in self.targets.forms]

    def priority_rows(self):
        return [{name: form[name] for name in plan_content.PRIORITY_FIELDS}
                for form in self.priorities.forms]

    def collaboration_rows(self):
        return [[form["agency"], form["text"]] for form in self.collaborations.forms]


def _target_initial(target: dict) -> dict:
    months = target.get("months") or []
    return {"year": target["year"],
            **{name: value for name, value in zip(PlanTarget.MONTH_FIELDS, months, strict=False)}}


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
