"""Annual plans, under /evaluation/plans/ in the "evaluation" namespace (included by
evaluation/urls.py). Every URL names a hub by its prefecture code and a fiscal year."""

from django.urls import path

import hubs.urls  # noqa: F401  registers the "jis" converter

from . import views

PLAN = "<jis:jis_code>/<int:fiscal_year>/"

urlpatterns = [
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
]
