from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from hubs import views as hub_views

from . import views

urlpatterns = [
    path("", hub_views.home, name="home"),
    path("accounts/", include("yorozu.accounts.urls")),
    path("hubs/", include("hubs.urls")),
    path("consultations/", include("consultations.urls")),
    path("r/", include("consultations.public_urls")),
    path("evaluation/", include("evaluation.urls")),
    # Apps of their own that kept their addresses under /evaluation/ (docs/architecture.md).
    path("evaluation/plans/", include("evaluation.plans.urls")),
    path("evaluation/surveys/", include("evaluation.surveys.urls")),
    path("evaluation/reports/", include("evaluation.reports.urls")),
    path("jobs/", include("yorozu.jobs.urls")),
    # The survey links emailed to clients and support agencies (no account).
    path("s/", include("evaluation.surveys.public_urls")),
    # Public so that the login page itself can switch language.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz/", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
