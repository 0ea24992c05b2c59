"""The signed-in user in the API (/api/v1/me/): read, and change their own profile."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.models import Language, Organization, User
from accounts.services import user_update_profile


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)
    is_client_user = serializers.BooleanField(read_only=True)
    is_staff_admin = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "display_name",
            "language",
            "time_zone",
            "organization",
            "is_client_user",
            "is_staff_admin",
        ]
        read_only_fields = fields


class MeUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=150)
    language = serializers.ChoiceField(choices=Language.choices)
    time_zone = serializers.CharField(max_length=64)


class MeView(APIView):
    """The signed-in user."""

    request: AuthenticatedRequest

    @extend_schema(responses=MeSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    def patch(self, request: AuthenticatedRequest) -> Response:
        current = {
            "display_name": request.user.display_name,
            "language": request.user.language,
            "time_zone": request.user.time_zone,
        }
        serializer = MeUpdateSerializer(data={**current, **request.data})
        serializer.is_valid(raise_exception=True)
        user = user_update_profile(actor=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)
