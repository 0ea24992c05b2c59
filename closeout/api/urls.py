"""The closeout API routes, mounted under /api/v1/ by config.urls."""

from rest_framework.routers import SimpleRouter

from closeout.api import views

router = SimpleRouter()
router.register(
    r"projects/(?P<project_pk>\d+)/closeout/waivers", views.WaiverViewSet, basename="waiver"
)
router.register(
    r"projects/(?P<project_pk>\d+)/closeout/requests",
    views.ClosureRequestViewSet,
    basename="closure-request",
)
router.register(
    r"projects/(?P<project_pk>\d+)/closeout/reopenings",
    views.ReopeningViewSet,
    basename="reopening",
)
router.register(
    r"projects/(?P<project_pk>\d+)/closeout", views.CloseoutViewSet, basename="closeout"
)

urlpatterns = router.urls
