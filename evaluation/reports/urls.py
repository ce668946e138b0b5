"""Excel reports: the "reports" namespace at /evaluation/reports/ (yorozu/urls.py)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<jis:jis_code>/", views.report_hub, name="report_hub"),
    path("national/", views.report_national, name="report_national"),
]
