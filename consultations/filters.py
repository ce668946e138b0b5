import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from yorozu.core.widgets import DateInput, Select

from .forms import hub_coordinators, people_choices
from .models import Case, Session, Topic

ALL = _("All")


def _mine():
    # A checkbox: ticked, the rows whose lead coordinator is the user.
    tick = forms.CheckboxInput(attrs={"class": "form-check-input"})
    return django_filters.BooleanFilter(label=_("Mine only"), method="keep", widget=tick)


class CaseFilter(django_filters.FilterSet):
    """The case list's filters. Filtering itself is done by selectors.case_list, so that the
    list and its Excel export apply exactly the same conditions."""

    q = django_filters.CharFilter(label=_("Client name, kana or corporate number"),
                                  method="keep")
    topic = django_filters.ModelChoiceFilter(label=_("Topic"), queryset=Topic.objects.all(),
                                             method="keep", empty_label=ALL, widget=Select)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Case.Status.choices,
                                         method="keep", empty_label=ALL, widget=Select)
    lead = django_filters.ModelChoiceFilter(label=_("Lead coordinator"), method="keep",
                                            queryset=Case.objects.none(), empty_label=ALL,
                                            widget=Select)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Session.Channel.choices,
                                          method="keep", empty_label=ALL, widget=Select)
    since = django_filters.DateFilter(label=_("Sessions from"), widget=DateInput(),
                                      method="keep")
    until = django_filters.DateFilter(label=_("Sessions until"), widget=DateInput(),
                                      method="keep")
    mine = _mine()

    class Meta:
        model = Case
        fields = []

    def __init__(self, *args, hub, mine: bool, **kwargs):
        super().__init__(*args, **kwargs)
        coordinators = hub_coordinators(hub)
        self.filters["lead"].queryset = coordinators  # what a chosen lead must be
        # What the select offers: the same people, read as values.
        self.form.fields["lead"].widget.choices = [("", ALL), *people_choices(coordinators)]
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        if not mine:  # offered to those who lead cases at the hub only
            del self.form.fields["mine"]

    def keep(self, queryset, name, value):
        return queryset

    def conditions(self) -> dict:
        """The valid filter values, for selectors.case_list."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", False)}

    def described(self) -> str:
        """The filters in force as `name=value` pairs (records by their id), for the
        personal-data read log of an export."""
        return "; ".join(f"{name}={getattr(value, 'pk', value)}"
                         for name, value in self.conditions().items())


class FollowupFilter(django_filters.FilterSet):
    """The follow-ups page's filter: the user's own cases only (their lead)."""

    mine = _mine()

    class Meta:
        model = Case
        fields = []

    def keep(self, queryset, name, value):
        return queryset

    def mine_only(self) -> bool:
        return self.is_valid() and bool(self.form.cleaned_data.get("mine"))
