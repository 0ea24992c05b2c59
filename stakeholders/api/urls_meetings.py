from rest_framework.routers import SimpleRouter

from stakeholders.api import views_meetings as views

router = SimpleRouter()
project = r"projects/(?P<project_pk>\d+)"
router.register(f"{project}/stakeholders", views.StakeholderViewSet, basename="stakeholder")
router.register(
    f"{project}/communication-items",
    views.CommunicationItemViewSet,
    basename="communication-item",
)
router.register(f"{project}/raci", views.RaciViewSet, basename="raci")
router.register(f"{project}/meetings", views.MeetingViewSet, basename="meeting")
router.register(f"{project}/action-items", views.ActionItemViewSet, basename="action-item")
router.register(f"{project}/decisions", views.DecisionLogViewSet, basename="decision")

urlpatterns = router.urls
