"""The portal's API routes, mounted under /api/v1/ by config.urls."""

from rest_framework.routers import SimpleRouter

from portal.api import audit, waiting

router = SimpleRouter()
router.register("portal/waiting", waiting.WaitingItemViewSet, basename="portal-waiting")
router.register(
    r"projects/(?P<project_pk>\d+)/client-audit-log",
    audit.ClientAuditLogViewSet,
    basename="client-audit-log",
)

urlpatterns = router.urls
