from django.urls import path

from operations import views

app_name = "operations"

urlpatterns = [
    path("", views.OperationsView.as_view(), name="overview"),
    path("branding/", views.BrandingView.as_view(), name="branding"),
    path("outbox/<int:message_id>/resend/", views.OutboxResendView.as_view(), name="outbox_resend"),
    path(
        "outbox/resend-failed/",
        views.OutboxResendFailedView.as_view(),
        name="outbox_resend_failed",
    ),
    path(
        "report-deliveries/<int:delivery_id>/resend/",
        views.ReportDeliveryResendView.as_view(),
        name="report_delivery_resend",
    ),
]
