from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SatisfactionResponse


class SatisfactionForm(forms.ModelForm):
    """The client's answers: five questions on a 5-to-1 scale (5 best), and a comment."""

    comment = forms.CharField(
        label=SatisfactionResponse._meta.get_field("comment").verbose_name, required=False,
        max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Please do not write names or other details that would "
                    "identify you."))

    class Meta:
        model = SatisfactionResponse
        fields = [*SatisfactionResponse.QUESTIONS, "comment"]
        widgets = {name: forms.RadioSelect for name in SatisfactionResponse.QUESTIONS}
        error_messages = {name: {"required": _("Please choose one answer."),
                                 "invalid_choice": _("Please choose one answer.")}
                          for name in SatisfactionResponse.QUESTIONS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SatisfactionResponse.QUESTIONS:
            # The model's choices include the empty one a select needs; radios need none.
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]

    def clean_comment(self):
        return self.cleaned_data["comment"].strip()
