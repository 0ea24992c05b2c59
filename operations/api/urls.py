"""The operations' API routes (the outbox), mounted under /api/v1/ by config.urls."""

from django.urls import path

from operations.api import outbox

urlpatterns = [
    path(
        "outbox/<int:message_id>/resend/",
        outbox.OutboxResendView.as_view(),
        name="outbox-resend",
    ),
    path(
        "outbox/resend-failed/",
        outbox.OutboxResendFailedView.as_view(),
        name="outbox-resend-failed",
    ),
]
