from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import MeSerializer, MeUpdateSerializer
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
