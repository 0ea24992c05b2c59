from rest_framework.routers import SimpleRouter

from portal.api import views

router = SimpleRouter()
router.register("portal/waiting", views.WaitingItemViewSet, basename="portal-waiting")
router.register(
    r"projects/(?P<project_pk>\d+)/client-audit-log",
    views.ClientAuditLogViewSet,
    basename="client-audit-log",
)

urlpatterns = router.urls
