"""Pages for support agencies, who have no account: reached only through one-time links."""

from django.urls import path

from . import views_public

urlpatterns = [
    path("<str:token>/", views_public.referral_open, name="referral_open"),
    path("", views_public.referral_visit, name="referral_visit"),
]
