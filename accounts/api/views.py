from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import MeSerializer, MeUpdateSerializer, OrganizationSerializer
from accounts.models import Organization
from accounts.selectors import organization_list_for
from accounts.services import user_update_profile


class MeView(APIView):
    """The signed-in user."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        current = {
            "display_name": request.user.display_name,
            "language": request.user.language,
            "time_zone": request.user.time_zone,
        }
        serializer = MeUpdateSerializer(data={**current, **request.data})
        serializer.is_valid(raise_exception=True)
        user = user_update_profile(actor=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations the user deals with: their own, and the clients of their projects."""

    serializer_class = OrganizationSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["kind"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self) -> QuerySet[Organization]:
        return organization_list_for(user=self.request.user)
