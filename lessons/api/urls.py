"""The lessons API's routes, mounted under /api/v1/ by config.urls."""

from rest_framework.routers import SimpleRouter

from lessons.api.views import LessonViewSet

router = SimpleRouter()
router.register(r"lessons", LessonViewSet, basename="lesson")

urlpatterns = router.urls
