from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from hubs import urls as hub_urls

from . import views

# A hub's page gathers several apps, so its view lives up here (yorozu/views.py); it keeps its
# place and name in the hubs namespace (hubs:hub_detail at /hubs/<jis>/).
hub_pages = [path("<jis:jis_code>/", views.hub_detail, name="hub_detail"),
             *hub_urls.urlpatterns]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("yorozu.accounts.urls")),
    path("hubs/", include((hub_pages, hub_urls.app_name))),
    path("consultations/", include("consultations.urls")),
    path("r/", include("consultations.public_urls")),
    path("evaluation/", include("evaluation.urls")),
    # Apps of their own that kept their addresses under /evaluation/ (docs/architecture.md).
    path("evaluation/plans/", include("evaluation.plans.urls")),
    path("evaluation/surveys/", include("evaluation.surveys.urls")),
    path("evaluation/reports/", include("evaluation.reports.urls")),
    path("evaluation/outcomes/", include("evaluation.outcomes.urls")),
    path("evaluation/self-studies/", include("evaluation.selfstudy.urls")),
    path("evaluation/assessments/", include("evaluation.assessments.urls")),
    path("jobs/", include("yorozu.jobs.urls")),
    path("notifications/", include("yorozu.notifications.urls")),
    # The survey links emailed to clients and support agencies (no account).
    path("s/", include("evaluation.surveys.public_urls")),
    # Public so that the login page itself can switch language.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # The read-only REST API, its OpenAPI document, the token page and calendar feeds.
    path("api/", include("yorozu.api.urls")),
    path("healthz/", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
