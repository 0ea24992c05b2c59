from django.urls import path
from rest_framework.routers import SimpleRouter

from reports.api import views

router = SimpleRouter()
router.register(r"projects/(?P<project_pk>\d+)/reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path(
        "projects/<int:project_pk>/report-schedule/",
        views.ReportScheduleView.as_view(),
        name="report-schedule",
    ),
    *router.urls,
]
