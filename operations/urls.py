from django.urls import path

from common.exports import export_paths
from operations import views

app_name = "operations"

urlpatterns = [
    path("", views.OperationsView.as_view(), name="overview"),
    path("branding/", views.BrandingView.as_view(), name="branding"),
    *export_paths(
        "outbox/failed",
        views.OutboxFailuresExportView,
        csv_name="outbox_failures_csv",
        xlsx_name="outbox_failures_xlsx",
    ),
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
