"""Plan dashboards. Included by evaluation/urls.py inside the "evaluation" namespace at
/evaluation/plans/dashboards/ (no app_name here). The "jis" converter is hubs.urls'."""

from django.urls import path

from . import dashboards

urlpatterns = [
    path("hub/<jis:jis_code>/", dashboards.hub_dashboard, name="plan_dashboard_hub"),
    path("bureau/", dashboards.bureau_dashboard, name="plan_dashboard_bureau"),
    path("national/", dashboards.national_dashboard, name="plan_dashboard_national"),
]
