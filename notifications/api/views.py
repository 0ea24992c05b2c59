from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from notifications.api.serializers import PreferencesSerializer
from notifications.services import preferences_for, preferences_set


class MyPreferencesView(APIView):
    """The signed-in person's e-mail channel per kind of notification."""

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(PreferencesSerializer(preferences_for(user=request.user)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request: AuthenticatedRequest) -> Response:
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = preferences_set(actor=request.user, channels=dict(serializer.validated_data))
        return Response(PreferencesSerializer(result).data)
