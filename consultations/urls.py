from django.urls import path

from . import views, views_import

app_name = "consultations"

urlpatterns = [
    path("mine/", views.my_cases, name="my_cases"),
    path("<jis:jis_code>/log/", views.quick_log, name="quick_log"),
    path("<jis:jis_code>/clients/search/", views.client_search, name="client_search"),
    path("<jis:jis_code>/cases/", views.case_list, name="case_list"),
    path("<jis:jis_code>/followups/", views.followups, name="followups"),
    path("<jis:jis_code>/import/", views_import.session_import, name="session_import"),
    path("imports/<int:pk>/rejected/", views_import.import_rejected, name="import_rejected"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("cases/<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("referrals/<int:pk>/close/", views.referral_close, name="referral_close"),
    path("referrals/<int:pk>/resend/", views.referral_resend, name="referral_resend"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
]
