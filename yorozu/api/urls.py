from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views, views_feed, views_tokens

app_name = "api"

router = SimpleRouter()
router.register("hubs", views.HubViewSet, basename="hub")
router.register("figures", views.FiguresViewSet, basename="figures")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("results", views.ResultViewSet, basename="result")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    # The settings page where a user makes and revokes their API and calendar tokens.
    path("tokens/", views_tokens.token_settings, name="tokens"),
    path("tokens/<str:purpose>/issue/", views_tokens.token_issue, name="token_issue"),
    path("tokens/<str:purpose>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    # A calendar app's subscription: no login, the secret token in the address.
    path("calendar/<str:token>.ics", views_feed.calendar_feed, name="calendar_feed"),
]
