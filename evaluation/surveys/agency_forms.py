from django import forms
from django.utils.translation import gettext_lazy as _

from yorozu.core import fiscal
from yorozu.core.versioned import VersionedForm
from yorozu.core.widgets import DateInput

from .models import SCALE, AgencyResponse, AgencySurvey


class SurveyForm(VersionedForm, forms.ModelForm):

    class Meta:
        model = AgencySurvey
        fields = ["fiscal_year", "title", "message", "deadline"]
        widgets = {"deadline": DateInput(),
                   "message": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "message": _("Shown in the invitation email above the link, for example why the "
                         "hub asks and how the answers will be used."),
            "deadline": _("Reminders go out automatically 7 and 2 days before this date."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = fiscal.current_fiscal_year()
        self.fields["fiscal_year"] = forms.TypedChoiceField(
            label=self.fields["fiscal_year"].label, coerce=int,
            choices=[(y, fiscal.fiscal_year_label(y)) for y in (year - 1, year, year + 1)])

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < fiscal.today():
            raise forms.ValidationError(_("The deadline must not be in the past."))
        return deadline


class AnswerForm(forms.Form):
    """The agency's answers: four five-point questions and two free texts. Labels come from
    the model, so that the form and the results use the same wording."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {f.name: f for f in AgencyResponse._meta.fields}
        for name in AgencyResponse.QUESTIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=fields[name].verbose_name, choices=SCALE, coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Please choose one of the five answers.")})
        for name in ("requests", "good_practice"):
            self.fields[name] = forms.CharField(
                label=fields[name].verbose_name, required=False, max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}))

    def questions(self):
        return [self[name] for name in AgencyResponse.QUESTIONS]

    def texts(self):
        return [self["requests"], self["good_practice"]]
