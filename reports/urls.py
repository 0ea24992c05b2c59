from django.urls import path

from common.exports import export_paths
from reports import views

app_name = "reports"

urlpatterns = [
    # Staff
    path(
        "projects/<int:project_id>/reports/",
        views.ProjectReportsView.as_view(),
        name="project_reports",
    ),
    *export_paths(
        "projects/<int:project_id>/reports",
        views.ReportListExportView,
        csv_name="project_reports_csv",
        xlsx_name="project_reports_xlsx",
    ),
    path(
        "projects/<int:project_id>/reports/summary/",
        views.SummarySaveView.as_view(),
        name="summary_save",
    ),
    path(
        "projects/<int:project_id>/reports/send-now/",
        views.ReportSendNowView.as_view(),
        name="report_send_now",
    ),
    path(
        "projects/<int:project_id>/reports/schedule/",
        views.ScheduleView.as_view(),
        name="schedule",
    ),
    path(
        "projects/<int:project_id>/reports/preview/",
        views.PreviewView.as_view(),
        name="preview",
    ),
    path(
        "projects/<int:project_id>/reports/<int:report_id>/",
        views.ReportView.as_view(),
        name="report",
    ),
    path(
        "projects/<int:project_id>/reports/<int:report_id>/pdf/",
        views.ReportPdfView.as_view(),
        name="report_pdf",
    ),
    # Portal
    path(
        "portal/projects/<int:project_id>/reports/",
        views.PortalReportsView.as_view(),
        name="portal_reports",
    ),
    *export_paths(
        "portal/projects/<int:project_id>/reports",
        views.PortalReportListExportView,
        csv_name="portal_reports_csv",
        xlsx_name="portal_reports_xlsx",
    ),
    path(
        "portal/projects/<int:project_id>/reports/<int:report_id>/",
        views.PortalReportView.as_view(),
        name="portal_report",
    ),
    path(
        "portal/projects/<int:project_id>/reports/<int:report_id>/pdf/",
        views.PortalReportPdfView.as_view(),
        name="portal_report_pdf",
    ),
]
