"""Self-check URLs. No app_name: evaluation/urls.py includes these inside the "evaluation"
namespace at /evaluation/self-checks/. The <jis:...> converter is registered by hubs.urls."""

from django.urls import path

from . import views_selfcheck as views

urlpatterns = [
    path("", views.selfcheck_mine, name="selfcheck_mine"),
    path("<int:pk>/", views.selfcheck_edit, name="selfcheck_edit"),
    path("<int:pk>/review/", views.selfcheck_review, name="selfcheck_review"),
    path("start/<jis:jis_code>/", views.selfcheck_start, name="selfcheck_start"),
    path("review/<jis:jis_code>/", views.selfcheck_review_list, name="selfcheck_review_list"),
    path("summary/<jis:jis_code>/", views.selfcheck_summary, name="selfcheck_summary"),
]
