from datetime import date

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from yorozu.core import fiscal
from yorozu.core.downloads import format_field


class MonthForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))
    format = format_field()

    def __init__(self, *args, months: list[date], initial_month: date, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["month"]
        field.choices = [(f"{m:%Y-%m}", date_format(m, "YEAR_MONTH_FORMAT")) for m in months]
        field.initial = f"{initial_month:%Y-%m}"

    def clean_month(self) -> date:
        year, month = self.cleaned_data["month"].split("-")
        return date(int(year), int(month), 1)


class FiscalYearForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    format = format_field()

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["fiscal_year"]
        field.choices = [(y, fiscal.fiscal_year_label(y)) for y in years]
        field.initial = years[0]
