"""The portal's API routes, mounted under /api/v1/ by config.urls."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from portal.api import audit, response_time, waiting

router = SimpleRouter()
router.register("portal/waiting", waiting.WaitingItemViewSet, basename="portal-waiting")
router.register(
    r"projects/(?P<project_pk>\d+)/client-audit-log",
    audit.ClientAuditLogViewSet,
    basename="client-audit-log",
)

urlpatterns = [
    *router.urls,
    path(
        "projects/<int:project_pk>/client-response-time/",
        response_time.ClientResponseTimeViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="client-response-time",
    ),
]
