"""Annual plans, the plan dashboards and the activity policy: the "plans" namespace at
/evaluation/plans/ (yorozu/urls.py; the paths are those of the days when plans were part of
the evaluation app, so bookmarks and emailed links still work). A plan's URL names a hub by
its prefecture code and a fiscal year."""

from django.urls import path

import hubs.urls  # noqa: F401  registers the "jis" converter

from . import dashboards, policy, views

app_name = "plans"

PLAN = "<jis:jis_code>/<int:fiscal_year>/"

urlpatterns = [
    path("dashboards/hub/<jis:jis_code>/", dashboards.hub_dashboard, name="plan_dashboard_hub"),
    path("dashboards/bureau/", dashboards.bureau_dashboard, name="plan_dashboard_bureau"),
    path("dashboards/national/", dashboards.national_dashboard,
         name="plan_dashboard_national"),
    path("review/", views.plan_review_queue, name="plan_review_queue"),
    path(PLAN, views.plan_detail, name="plan_detail"),
    path(f"{PLAN}start/", views.plan_start, name="plan_start"),
    path(f"{PLAN}edit/", views.plan_edit, name="plan_edit"),
    path(f"{PLAN}confirm/", views.plan_confirm, name="plan_confirm"),
    path(f"{PLAN}start-review/", views.plan_start_review, name="plan_start_review"),
    path(f"{PLAN}return/", views.plan_return, name="plan_return"),
    path(f"{PLAN}accept/", views.plan_accept, name="plan_accept"),
    path(f"{PLAN}revise/", views.plan_revise, name="plan_revise"),
    path(f"{PLAN}comment/", views.plan_comment, name="plan_comment"),
    path(f"{PLAN}diff/", views.plan_diff, name="plan_diff"),
    path("policies/", policy.policy_list, name="policy_list"),
    path("policies/<int:fiscal_year>/", policy.policy_detail, name="policy_detail"),
    path("policies/<int:fiscal_year>/edit/", policy.policy_edit, name="policy_edit"),
    path("policies/<int:fiscal_year>/publish/", policy.policy_publish_view,
         name="policy_publish"),
]
