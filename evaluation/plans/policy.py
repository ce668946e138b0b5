"""HQ's activity policy (活動方針) per fiscal year: priority themes, the standard indicators
every hub must target, and the plan deadline. HQ edits and publishes; everyone with an
appointment reads the published policy."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from evaluation.permissions import EVALUATE
from hubs.access import is_hq, require
from yorozu.core import fiscal
from yorozu.core.widgets import DateInput

from .indicators import STANDARD
from .models import ActivityPolicy


class PolicyForm(forms.ModelForm):
    indicators = forms.MultipleChoiceField(
        label=gettext_lazy("Standard indicators every hub must target"),
        choices=[(i.code, i.label) for i in STANDARD], widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ActivityPolicy
        fields = ["priority_themes", "indicators", "plan_deadline"]
        widgets = {"priority_themes": forms.Textarea(attrs={"rows": 5}),
                   "plan_deadline": DateInput()}



# --- Services --------------------------------------------------------------------------------
def policy_save(*, policy: ActivityPolicy, by, data: dict) -> ActivityPolicy:
    require(by, EVALUATE)
    for name in ("priority_themes", "indicators", "plan_deadline"):
        setattr(policy, name, data[name])
    policy.updated_by = by
    policy.full_clean()
    policy.save()
    return policy


def policy_publish(*, policy: ActivityPolicy, by) -> ActivityPolicy:
    require(by, EVALUATE)
    policy.published_at = policy.published_at or timezone.now()
    policy.save(update_fields=["published_at"])
    return policy


def visible_policies(*, user):
    policies = ActivityPolicy.objects.order_by("-fiscal_year")
    return policies if is_hq(user) else policies.filter(published_at__isnull=False)


# --- Views -----------------------------------------------------------------------------------
def policy_list(request):
    return render(request, "evaluation/plans/policy_list.html", {
        "policies": list(visible_policies(user=request.user)), "is_hq": is_hq(request.user),
        "current_year": fiscal.current_fiscal_year()})


def policy_detail(request, fiscal_year):
    policy = visible_policies(user=request.user).filter(fiscal_year=fiscal_year).first()
    if policy is None:
        raise Http404
    labels = {i.code: i.label for i in STANDARD}
    return render(request, "evaluation/plans/policy_detail.html", {
        "policy": policy, "is_hq": is_hq(request.user),
        "indicator_labels": [labels[c] for c in policy.indicators if c in labels]})


def policy_edit(request, fiscal_year):
    require(request.user, EVALUATE)
    policy = ActivityPolicy.objects.filter(fiscal_year=fiscal_year).first() or ActivityPolicy(
        fiscal_year=fiscal_year, indicators=[i.code for i in STANDARD],
        plan_deadline=fiscal.fiscal_year_start(fiscal_year).replace(month=5, day=31))
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        policy_save(policy=policy, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Saved the activity policy."))
        return redirect("plans:policy_detail", fiscal_year=fiscal_year)
    return render(request, "core/record_form.html", {
        "form": form, "title": _("Activity policy"),
        "subtitle": fiscal.fiscal_year_label(fiscal_year),
        "cancel_url": reverse("plans:policy_list")})


@require_POST
def policy_publish_view(request, fiscal_year):
    require(request.user, EVALUATE)
    policy = ActivityPolicy.objects.filter(fiscal_year=fiscal_year).first()
    if policy is None:
        raise Http404
    policy_publish(policy=policy, by=request.user)
    messages.success(request, _("Published the activity policy to every hub and bureau."))
    return redirect("plans:policy_detail", fiscal_year=fiscal_year)
