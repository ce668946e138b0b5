from django import forms
from django.utils.translation import gettext_lazy as _

from yorozu.core import fiscal
from yorozu.core.versioned import VersionedForm
from yorozu.core.widgets import DateInput

from .models import Appointment, SupportAgency
from .roles import Role
from .services import AGENCY_FIELDS


class AgencyForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = SupportAgency
        fields = AGENCY_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, hub=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hub is not None:
            self.instance.hub = hub
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean_name(self):
        # The form has no hub field, so Django would skip the (hub, name) unique constraint.
        name = self.cleaned_data["name"].strip()
        duplicate = SupportAgency.objects.filter(hub=self.instance.hub, name=name).exclude(
            pk=self.instance.pk
        )
        if duplicate.exists():
            raise forms.ValidationError(_("This hub already has an agency with this name."))
        return name


class ProposeForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    family_name = forms.CharField(label=_("Family name"), max_length=50)
    given_name = forms.CharField(label=_("Given name"), max_length=50)
    starts_on = forms.DateField(label=_("Start date"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("End date"), widget=DateInput(),
        help_text=_("Appointments run at most to 31 March, the end of the fiscal year."),
    )
    note = forms.CharField(label=_("Note for the bureau"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, hub, **kwargs):
        self.hub = hub
        super().__init__(*args, **kwargs)
        today = fiscal.today()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = fiscal.fiscal_year_end(fiscal.fiscal_year_of(today))

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on:
            if ends_on < starts_on:
                self.add_error("ends_on", _("The end date must not be before the start date."))
            elif ends_on > fiscal.fiscal_year_end(fiscal.fiscal_year_of(starts_on)):
                self.add_error("ends_on", _("The term must end by 31 March of its fiscal year."))
            elif ends_on < fiscal.today():
                self.add_error("ends_on", _("The term has already ended."))
        email = data.get("email")
        if email and starts_on and Appointment.objects.filter(
            user__email__iexact=email, hub=self.hub, role=Role.COORDINATOR,
            fiscal_year=fiscal.fiscal_year_of(starts_on),
            status__in=[Appointment.Status.PROPOSED, Appointment.Status.APPROVED],
        ).exists():
            self.add_error("email", _("This person already has an appointment or a pending "
                                      "proposal at this hub for that fiscal year."))
        return data


class DecisionNoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
