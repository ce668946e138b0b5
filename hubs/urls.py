from django.urls import path

from . import views

app_name = "hubs"

# The hub's own page (hubs:hub_detail) shows other apps' figures: yorozu/urls.py adds it.

urlpatterns = [
    path("", views.hub_list, name="hub_list"),
    path("<jis:jis_code>/agencies/", views.agency_list, name="agency_list"),
    path("<jis:jis_code>/agencies/new/", views.agency_create, name="agency_create"),
    path("<jis:jis_code>/appointments/propose/", views.appointment_propose,
         name="appointment_propose"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("appointments/", views.appointment_list, name="appointment_list"),
    path("appointments/<int:pk>/approve/", views.appointment_approve,
         name="appointment_approve"),
    path("appointments/<int:pk>/reject/", views.appointment_reject, name="appointment_reject"),
    path("appointments/<int:pk>/withdraw/", views.appointment_withdraw,
         name="appointment_withdraw"),
    path("appointments/<int:pk>/revoke/", views.appointment_revoke, name="appointment_revoke"),
    path("appointments/<int:pk>/invite/", views.appointment_invite, name="appointment_invite"),
]
