"""The status reports' API routes, mounted under /api/v1/ by config.urls."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from reports.api import reports, schedules

router = SimpleRouter()
router.register(r"projects/(?P<project_pk>\d+)/reports", reports.ReportViewSet, basename="report")

urlpatterns = [
    path(
        "projects/<int:project_pk>/report-schedule/",
        schedules.ReportScheduleView.as_view(),
        name="report-schedule",
    ),
    path(
        "projects/<int:project_pk>/report-schedule/recipients/",
        schedules.ReportRecipientsView.as_view(),
        name="report-recipients",
    ),
    path(
        "projects/<int:project_pk>/report-schedule/summary/",
        schedules.ReportSummaryView.as_view(),
        name="report-summary",
    ),
    *router.urls,
]
