"""The stakeholders app's API routes, mounted under /api/v1/ by config.urls."""

from rest_framework.routers import SimpleRouter

from stakeholders.api import changes, decisions, meetings, register, requirements

router = SimpleRouter()
project = r"projects/(?P<project_pk>\d+)"
router.register(f"{project}/requirements", requirements.RequirementViewSet, basename="requirement")
router.register(
    f"{project}/change-requests", changes.ChangeRequestViewSet, basename="change-request"
)
router.register(f"{project}/stakeholders", register.StakeholderViewSet, basename="stakeholder")
router.register(
    f"{project}/communication-items",
    register.CommunicationItemViewSet,
    basename="communication-item",
)
router.register(f"{project}/raci", register.RaciViewSet, basename="raci")
router.register(f"{project}/meetings", meetings.MeetingViewSet, basename="meeting")
router.register(f"{project}/action-items", meetings.ActionItemViewSet, basename="action-item")
router.register(f"{project}/decisions", decisions.DecisionLogViewSet, basename="decision")

urlpatterns = router.urls
