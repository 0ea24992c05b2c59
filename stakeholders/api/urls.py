from rest_framework.routers import SimpleRouter

from stakeholders.api import views

router = SimpleRouter()
router.register(
    r"projects/(?P<project_pk>\d+)/requirements", views.RequirementViewSet, basename="requirement"
)

urlpatterns = router.urls
