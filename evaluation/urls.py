from django.urls import include, path

from . import selfcheck_urls, views, views_hearing

app_name = "evaluation"

urlpatterns = [
    path("guidelines/", views.guideline_list, name="guideline_list"),
    path("guidelines/start/", views.guideline_start, name="guideline_start"),
    path("guidelines/<int:fiscal_year>/", views.guideline_detail, name="guideline_detail"),
    path("guidelines/<int:fiscal_year>/edit/", views.guideline_edit, name="guideline_edit"),
    path("guidelines/<int:fiscal_year>/publish/", views.guideline_publish,
         name="guideline_publish"),
    path("guidelines/<int:fiscal_year>/copy/", views.guideline_copy, name="guideline_copy"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("areas/<int:area_pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("hearings/", views_hearing.hearing_list, name="hearing_list"),
    path("hearings/new/<jis:jis_code>/", views_hearing.hearing_schedule,
         name="hearing_schedule"),
    path("hearings/<int:pk>/", views_hearing.hearing_detail, name="hearing_detail"),
    path("hearings/<int:pk>/score/", views_hearing.hearing_score, name="hearing_score"),
    path("hearings/<int:pk>/items/<int:item_pk>/", views_hearing.score_save, name="score_save"),
    path("hearings/<int:pk>/finalise/", views_hearing.hearing_finalise,
         name="hearing_finalise"),
    path("hearings/<int:pk>/reopen/", views_hearing.hearing_reopen, name="hearing_reopen"),
    path("hearings/<int:pk>/publish/", views_hearing.hearing_publish, name="hearing_publish"),
    path("national/", views.national, name="national"),
    path("results/<jis:jis_code>/", views.hub_result, name="hub_result"),
    path("self-checks/", include(selfcheck_urls)),
    # /evaluation/plans/, /evaluation/surveys/ and /evaluation/reports/ are the apps of those
    # names, included in yorozu/urls.py.
]
