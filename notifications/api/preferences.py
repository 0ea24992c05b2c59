"""The signed-in person's notification preferences in the API
(/api/v1/me/notification-preferences/): the e-mail channel per kind of notification."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from notifications.models import NOTIFICATION_KINDS, Channel
from notifications.services.preferences import preferences_for, preferences_set


class PreferencesSerializer(serializers.Serializer):
    """One field per kind of notification, each with its e-mail channel."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            kind: serializers.ChoiceField(choices=Channel.choices, required=False)
            for kind in NOTIFICATION_KINDS
        }


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
