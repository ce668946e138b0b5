from django.urls import path

from . import views

app_name = "selfstudy"

urlpatterns = [
    path("<jis:jis_code>/<int:fiscal_year>/", views.self_study, name="self_study"),
    path("<jis:jis_code>/<int:fiscal_year>/start/", views.self_study_start,
         name="self_study_start"),
    path("<int:pk>/areas/<int:area_pk>/", views.area_edit, name="area_edit"),
    path("<int:pk>/submit/", views.self_study_submit, name="self_study_submit"),
    path("<int:pk>/reopen/", views.self_study_reopen, name="self_study_reopen"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
]
