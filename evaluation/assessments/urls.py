from django.urls import path

from . import views, views_practices, views_requests

app_name = "assessments"

urlpatterns = [
    path("", views.national, name="national"),
    path("weights/<int:fiscal_year>/", views.weights_edit, name="weights"),
    path("hubs/<jis:jis_code>/", views.hub_assessment, name="hub"),
    path("<int:pk>/comment/", views.assessment_comment, name="comment"),
    path("<int:pk>/finalise/", views.assessment_finalise, name="finalise"),
    path("<int:pk>/reopen/", views.assessment_reopen, name="reopen"),
    path("<int:pk>/publish/", views.assessment_publish, name="publish"),
    path("<int:pk>/requests/new/", views.request_add, name="request_add"),
    path("<int:pk>/axes/<slug:code>/", views.axis_detail, name="axis"),
    path("requests/", views_requests.request_list, name="request_list"),
    path("requests/<int:pk>/", views_requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/actions/", views_requests.action_add, name="action_add"),
    path("requests/<int:pk>/follow-up/", views_requests.follow_up_add, name="follow_up_add"),
    path("practices/", views_practices.practice_list, name="practice_list"),
    path("practices/new/", views_practices.practice_mark, name="practice_mark"),
    path("practices/<int:pk>/consent/", views_practices.practice_consent,
         name="practice_consent"),
    path("practices/<int:pk>/decline/", views_practices.practice_decline,
         name="practice_decline"),
    path("practices/<int:pk>/publish/", views_practices.practice_publish,
         name="practice_publish"),
]
