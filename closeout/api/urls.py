"""The closeout API routes, mounted under /api/v1/ by config.urls."""

from django.urls import path
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
urlpatterns = [
    path("projects/<int:project_pk>/closeout/", views.CloseoutView.as_view(), name="closeout"),
    *router.urls,
]
