"""The outbox in the API: send a failed e-mail again (a staff admin any, a PM those about their
project), or every e-mail that failed lately (staff admins), as the operations page does."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.permissions import is_staff_admin
from common.errors import NotFound
from common.serializers import ModelSerializer
from notifications.models import OutboxMessage
from notifications.permissions import can_resend_outbox_message
from notifications.selectors import outbox_message_get
from notifications.services.outbox import outbox_resend, outbox_resend_failed
from operations.selectors import OUTBOX_FAILURES_WINDOW


class OutboxMessageSerializer(ModelSerializer):
    class Meta:
        model = OutboxMessage
        fields = ["id", "kind", "to_email", "subject", "status", "attempts", "project_id"]
        read_only_fields = fields


class ResendFailedSerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="How many e-mails are queued to be sent again.")


class OutboxResendView(APIView):
    """One e-mail, queued to be sent again; not found (404) for whoever may not resend it."""

    request: AuthenticatedRequest

    @extend_schema(summary="Send an e-mail again", request=None, responses=OutboxMessageSerializer)
    def post(self, request: AuthenticatedRequest, message_id: int) -> Response:
        message = outbox_message_get(message_id=message_id)
        if not can_resend_outbox_message(request.user, message):
            raise NotFound
        message = outbox_resend(actor=request.user, message=message)
        return Response(OutboxMessageSerializer(message).data)


class OutboxResendFailedView(APIView):
    """Every e-mail that failed in the last seven days, queued again (staff admins)."""

    request: AuthenticatedRequest

    @extend_schema(
        summary="Send again every e-mail that failed lately",
        request=None,
        responses=ResendFailedSerializer,
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if not is_staff_admin(request.user):
            raise PermissionDenied()
        since = timezone.now() - OUTBOX_FAILURES_WINDOW
        queued = outbox_resend_failed(actor=request.user, since=since)
        return Response(ResendFailedSerializer({"queued": queued}).data)
