from django import forms
from django.utils.translation import gettext_lazy as _

from yorozu.core.versioned import VersionedForm
from yorozu.core.widgets import DateInput

from . import axes
from .models import Assessment, AxisWeights, ImprovementAction, ImprovementRequest


class WeightsForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = AxisWeights
        fields = axes.CODES
        help_texts = {code: _("Points, 0 to 100. 0 leaves the axis out.") for code in axes.CODES}


class SummaryForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class RequestForm(forms.ModelForm):
    class Meta:
        model = ImprovementRequest
        fields = ["title", "reason", "due_on"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3}), "due_on": DateInput()}


class ActionForm(forms.ModelForm):
    class Meta:
        model = ImprovementAction
        fields = ["text", "owner", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_on": DateInput()}


class FollowUpForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=ImprovementRequest.Status.choices)
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class PracticeForm(forms.Form):
    """HQ marks a practice: one of the year's (hub, item) pairs scored at level 4."""

    candidate = forms.ChoiceField(label=_("Hub and guideline item scored at level 4"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What the hub does"), widget=forms.Textarea(
        attrs={"rows": 3}))
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("The records or documents that show it works."))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairs = {f"{s.hearing.hub_id}:{s.item_id}": s for s in candidates}
        self.fields["candidate"].choices = [("", "---------")] + [
            (key, f"{s.hearing.hub.prefecture}：{s.item.code} {s.item.behaviour[:40]}")
            for key, s in self.pairs.items()]

    def chosen(self):
        score = self.pairs[self.cleaned_data["candidate"]]
        return score.hearing.hub, score.item
