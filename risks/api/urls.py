from django.urls import path
from rest_framework.routers import SimpleRouter

from risks.api import views

router = SimpleRouter()
router.register(r"projects/(?P<project_pk>\d+)/risks", views.RiskViewSet, basename="risk")
router.register(
    r"projects/(?P<project_pk>\d+)/risk-issues", views.IssueViewSet, basename="risk-issue"
)

urlpatterns = [
    path(
        "projects/<int:project_pk>/risk-settings/",
        views.RiskSettingsView.as_view(),
        name="risk-settings",
    ),
    *router.urls,
]
