"""Client outcomes: the "outcomes" namespace at /evaluation/outcomes/ (yorozu/urls.py). A
client's records are reached from the client page; the figure pages name a hub by its
prefecture code."""

from django.urls import path

import hubs.urls  # noqa: F401  registers the "jis" converter

from . import views, views_figures, views_import

app_name = "outcomes"

urlpatterns = [
    path("bureau/", views_figures.bureau_outcomes, name="outcomes_bureau"),
    path("national/", views_figures.national_outcomes, name="outcomes_national"),
    path("<jis:jis_code>/", views_figures.hub_outcomes, name="outcomes_hub"),
    path("<jis:jis_code>/import/", views_import.snapshot_import, name="snapshot_import"),
    path("clients/<int:pk>/figures/new/", views.snapshot_create, name="snapshot_create"),
    path("figures/<int:pk>/edit/", views.snapshot_edit, name="snapshot_edit"),
    path("figures/<int:pk>/delete/", views.snapshot_delete, name="snapshot_delete"),
    path("clients/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone_delete"),
]
