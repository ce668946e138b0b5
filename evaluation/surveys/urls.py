"""Survey results and the agency-survey campaigns: the "surveys" namespace at
/evaluation/surveys/ (yorozu/urls.py). The links emailed to clients and agencies are in
public_urls.py."""

from django.urls import path

from . import views_agency, views_satisfaction

app_name = "surveys"

urlpatterns = [
    path("satisfaction/<jis:jis_code>/", views_satisfaction.satisfaction_results,
         name="satisfaction_results"),
    path("agencies/<jis:jis_code>/", views_agency.agency_survey_list, name="agency_survey_list"),
    path("agencies/<jis:jis_code>/new/", views_agency.agency_survey_create,
         name="agency_survey_create"),
    path("agencies/campaign/<int:pk>/", views_agency.agency_survey_detail,
         name="agency_survey_detail"),
    path("agencies/campaign/<int:pk>/edit/", views_agency.agency_survey_edit,
         name="agency_survey_edit"),
    path("agencies/campaign/<int:pk>/start/", views_agency.agency_survey_start,
         name="agency_survey_start"),
    path("agencies/campaign/<int:pk>/remind/", views_agency.agency_survey_remind,
         name="agency_survey_remind"),
    path("agencies/campaign/<int:pk>/close/", views_agency.agency_survey_close,
         name="agency_survey_close"),
]
