"""The links emailed to clients and support agencies: no account needed. Not namespaced, so
that the addresses stay short."""

from django.urls import path

from . import public_agency, public_satisfaction

urlpatterns = [
    path("c/<str:token>/", public_satisfaction.satisfaction_open,
         name="survey_satisfaction_open"),
    path("c/", public_satisfaction.satisfaction_answer, name="survey_satisfaction_answer"),
    path("a/<str:token>/", public_agency.agency_open, name="survey_agency_open"),
    path("a/", public_agency.agency_answer, name="survey_agency_answer"),
]
