"""The signed-in person's in-app notifications in the API: mark one, or all, read
(/api/v1/me/notifications/mark-read/)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from common.errors import NotFound
from notifications.selectors import notification_list_for
from notifications.services.notifications import notifications_mark_read


class MarkReadInputSerializer(serializers.Serializer):
    notification = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="One of the person's notifications; without it, all of them.",
    )


class MarkReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")


class MarkReadView(APIView):
    """The person's own notifications only: another person's is not found (404)."""

    request: AuthenticatedRequest

    @extend_schema(
        summary="Mark one's notifications read",
        request=MarkReadInputSerializer,
        responses=MarkReadSerializer,
        examples=[
            OpenApiExample("One notification", value={"notification": 42}, request_only=True),
            OpenApiExample("All of them", value={}, request_only=True),
        ],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = MarkReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notification_id = data.validated_data["notification"]
        if (
            notification_id is not None
            and not notification_list_for(user=request.user).filter(pk=notification_id).exists()
        ):
            raise NotFound
        marked = notifications_mark_read(user=request.user, notification_id=notification_id)
        return Response(MarkReadSerializer({"marked": marked}).data)
