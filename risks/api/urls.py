"""The risk register's API routes, mounted under /api/v1/ by config.urls."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from risks.api import issues, register, settings

router = SimpleRouter()
router.register(r"projects/(?P<project_pk>\d+)/risks", register.RiskViewSet, basename="risk")
router.register(
    r"projects/(?P<project_pk>\d+)/risk-issues", issues.IssueViewSet, basename="risk-issue"
)

urlpatterns = [
    path(
        "projects/<int:project_pk>/risk-settings/",
        settings.RiskSettingsView.as_view(),
        name="risk-settings",
    ),
    *router.urls,
]
