"""The forms of the client page's outcomes: a period's financial figures and a milestone.
Both are versioned (a stale edit shows the conflict screen) and clean typed text as every
record form does (consultations/forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.forms import RECORD_DATE, VersionedForm, add_validators
from consultations.models import Case, Session
from yorozu.core.widgets import DateInput

from .models import FinancialSnapshot, Milestone
from .services import MILESTONE_FIELDS, SNAPSHOT_FIELDS

THOUSAND_YEN = _("In thousands of yen (千円), a whole number.")


class AmountInput(forms.NumberInput):
    """A whole number of thousand yen: the numeric keypad on a phone, no spinner steps."""

    def __init__(self, **kwargs):
        super().__init__(attrs={"inputmode": "numeric", "step": "1", **kwargs.pop("attrs", {})},
                         **kwargs)


class SnapshotForm(VersionedForm):
    verified = forms.BooleanField(
        label=_("I have checked these figures against the source"), required=False,
        help_text=_("Records you as the person who checked them, with today's date."))

    class Meta:
        model = FinancialSnapshot
        fields = SNAPSHOT_FIELDS
        widgets = {"period_end": DateInput(), "sales": AmountInput(),
                   "operating_profit": AmountInput(), "personnel_costs": AmountInput(),
                   "depreciation": AmountInput(), "employees": AmountInput(),
                   "source": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sales", "personnel_costs", "depreciation"):
            self.fields[name].help_text = THOUSAND_YEN
        self.fields["operating_profit"].help_text = _(
            "In thousands of yen (千円), a whole number; a loss is negative.")
        if self.instance.pk and not self.is_bound:
            self.initial["verified"] = self.instance.verified_by_id is not None

    def clean(self):
        data = super().clean()
        period_end, client_id = data.get("period_end"), self.instance.client_id
        if period_end and client_id:
            taken = (FinancialSnapshot.objects.filter(client_id=client_id, period_end=period_end)
                     .exclude(pk=self.instance.pk).exists())
            if taken:
                self.add_error("period_end", _(
                    "This client already has figures for a period ending on this day. Edit "
                    "those instead."))
        return data


class MilestoneForm(VersionedForm):
    class Meta:
        model = Milestone
        fields = MILESTONE_FIELDS
        widgets = {"achieved_on": DateInput(), "confirmed_on": DateInput(),
                   "kind": forms.RadioSelect, "confirmation": forms.RadioSelect,
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the client's own cases and their sessions can be credited.
        cases = Case.objects.filter(client=client).order_by("-opened_on", "-pk")
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = _case_label
        self.fields["session"].queryset = (Session.objects.filter(case__client=client)
                                           .order_by("-held_on", "-pk"))
        self.fields["session"].label_from_instance = _session_label
        self.fields["session"].empty_label = _("(no particular session)")
        self.fields["kind"].choices = Milestone.Kind.choices
        self.fields["confirmation"].choices = Milestone.Confirmation.choices
        self.fields["confirmation"].required = False
        add_validators(self, {"achieved_on": RECORD_DATE, "confirmed_on": RECORD_DATE})
        self.fields["confirmed_on"].help_text = _(
            "Once the client has confirmed the milestone. Only confirmed milestones are "
            "counted in the hub's results.")

    def clean(self):
        data = super().clean()
        case, session = data.get("case"), data.get("session")
        if case and session and session.case_id != case.pk:
            self.add_error("session", _("Choose a session of the case that contributed."))
        return data


def _case_label(case: Case) -> str:
    return _("Case %(number)s, opened %(date)s") % {"number": case.pk,
                                                    "date": f"{case.opened_on:%Y-%m-%d}"}


def _session_label(session: Session) -> str:
    return _("Session of %(date)s (case %(number)s)") % {"number": session.case_id,
                                                         "date": f"{session.held_on:%Y-%m-%d}"}
