from django.urls import include, path

from . import selfcheck_urls, views, views_hearing
from .plans import policy

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
    path("plans/dashboards/", include("evaluation.plans.dashboard_urls")),
    path("plans/", include("evaluation.plans.urls")),
    path("surveys/", include("evaluation.surveys.urls")),
    path("reports/", include("evaluation.reports.urls")),
    path("plans/policies/", policy.policy_list, name="policy_list"),
    path("plans/policies/<int:fiscal_year>/", policy.policy_detail, name="policy_detail"),
    path("plans/policies/<int:fiscal_year>/edit/", policy.policy_edit, name="policy_edit"),
    path("plans/policies/<int:fiscal_year>/publish/", policy.policy_publish_view,
         name="policy_publish"),
]
