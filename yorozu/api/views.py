"""The read-only REST API (/api/v1/): hubs, their figures per month, plans and evaluation
results, each scoped to the token's user exactly as the pages are (selectors.py). GET, HEAD
and OPTIONS only; anything else is a 405."""

import math

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from hubs.roles import VIEW_AGGREGATES
from yorozu.core import fiscal

from . import selectors
from .authentication import UserTokenAuthentication
from .serializers import (
    HubFiguresSerializer,
    HubSerializer,
    PlanSerializer,
    ResultDetailSerializer,
    ResultSerializer,
)

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description=(
    "Fiscal year (April to March), e.g. 2025; the current one if left out."))


def _year(request) -> int:
    raw = request.query_params.get("year")
    if raw is None:
        return fiscal.current_fiscal_year()
    try:
        year = int(raw)
    except ValueError as exc:
        raise exceptions.ValidationError({"year": _("Give a fiscal year such as 2025.")}) from exc
    if not 2000 <= year <= 2100:
        raise exceptions.ValidationError({"year": _("Give a fiscal year such as 2025.")})
    return year


# The API finds its user by token (authentication.py), after the middleware has run: the
# login-required middleware must let it through, and DRF answers 401 without a valid token.
@method_decorator(login_not_required, name="dispatch")
class ReadOnlyViewSet(viewsets.GenericViewSet):
    # Every resource is a hub's, found by its prefecture code (/api/v1/hubs/13/).
    lookup_field = "jis_code"
    lookup_value_regex = r"\d{2}"
    http_method_names = ["get", "head", "options"]

    def throttled(self, request, wait):
        # DRF's own message formats its number before translating, so it stays English.
        seconds = math.ceil(wait or 1)
        exc = exceptions.Throttled(detail=ngettext(
            "Too many requests. Try again in %(seconds)d second.",
            "Too many requests. Try again in %(seconds)d seconds.", seconds) % {
                "seconds": seconds})
        exc.wait = seconds  # the Retry-After header
        raise exc

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response.headers.setdefault("Cache-Control", "no-store, private")
        return response

    def page(self, rows):
        found = self.paginate_queryset(rows)
        return found if found is not None else list(rows)


@extend_schema_view(list=extend_schema(summary="Hubs you may see"),
                    retrieve=extend_schema(summary="One hub"))
class HubViewSet(ReadOnlyViewSet):
    serializer_class = HubSerializer

    def get_queryset(self):
        return selectors.hubs_visible(user=self.request.user)

    def list(self, request):
        return self.get_paginated_response(
            HubSerializer(self.page(self.get_queryset()), many=True).data)

    def retrieve(self, request, jis_code=None):
        return Response(HubSerializer(
            selectors.hub_or_404(user=request.user, jis_code=jis_code)).data)


@extend_schema_view(
    list=extend_schema(summary="Figures per hub and month", parameters=[YEAR]),
    retrieve=extend_schema(summary="One hub's figures per month", parameters=[YEAR]))
class FiguresViewSet(ReadOnlyViewSet):
    serializer_class = HubFiguresSerializer

    def get_queryset(self):
        return selectors.hubs_visible(user=self.request.user, perm=VIEW_AGGREGATES)

    def list(self, request):
        year = _year(request)
        hubs = self.page(self.get_queryset())
        rows = selectors.hub_figures(user=request.user, hubs=list(hubs), fiscal_year=year)
        return self.get_paginated_response(HubFiguresSerializer(rows, many=True).data)

    def retrieve(self, request, jis_code=None):
        year = _year(request)
        hub = selectors.hub_or_404(user=request.user, jis_code=jis_code, perm=VIEW_AGGREGATES)
        row = selectors.hub_figures(user=request.user, hubs=[hub], fiscal_year=year)[0]
        return Response(HubFiguresSerializer(row).data)


@extend_schema_view(list=extend_schema(summary="Annual plans of a fiscal year",
                                       parameters=[YEAR]),
                    retrieve=extend_schema(summary="One hub's annual plan"))
class PlanViewSet(ReadOnlyViewSet):
    serializer_class = PlanSerializer

    def get_queryset(self):
        return selectors.plans_visible(user=self.request.user, fiscal_year=_year(self.request))

    def list(self, request):
        plans = selectors.plans_with_targets(list(self.page(self.get_queryset())))
        return self.get_paginated_response(PlanSerializer(plans, many=True).data)

    @extend_schema(parameters=[YEAR])
    def retrieve(self, request, jis_code=None):
        plan = selectors.plan_or_404(user=request.user, jis_code=jis_code,
                                     fiscal_year=_year(request))
        return Response(PlanSerializer(selectors.plans_with_targets([plan])[0]).data)


@extend_schema_view(list=extend_schema(summary="Evaluation results of a fiscal year",
                                       parameters=[YEAR]))
class ResultViewSet(ReadOnlyViewSet):
    serializer_class = ResultSerializer

    def get_queryset(self):
        return selectors.results_visible(user=self.request.user,
                                         fiscal_year=_year(self.request))

    def list(self, request):
        hearings = selectors.results_with_levels(list(self.page(self.get_queryset())))
        return self.get_paginated_response(ResultSerializer(hearings, many=True).data)

    @extend_schema(summary="One hub's evaluation result, with how all hubs were scored",
                   parameters=[YEAR], responses=ResultDetailSerializer)
    def retrieve(self, request, jis_code=None):
        hearing = selectors.result_or_404(user=request.user, jis_code=jis_code,
                                          fiscal_year=_year(request))
        hearing = selectors.results_with_levels([hearing])[0]
        hearing.distribution = selectors.result_distribution(hearing=hearing,
                                                             user=request.user)
        return Response(ResultDetailSerializer(hearing).data)


@method_decorator(login_not_required, name="dispatch")
class SchemaView(SpectacularAPIView):
    """The OpenAPI document, for a token like the API (and for a logged-in page user, so
    that it opens in the browser)."""

    authentication_classes = [UserTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
