from django.urls import path

from . import views

urlpatterns = [
    path("<jis:jis_code>/", views.report_hub, name="report_hub"),
    path("national/", views.report_national, name="report_national"),
]
