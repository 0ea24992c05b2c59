from django.urls import path
from rest_framework.routers import SimpleRouter

from projects.api import costs, organizations, search, views

router = SimpleRouter()
router.register("organizations", organizations.OrganizationViewSet, basename="organization")
router.register("projects", views.ProjectViewSet, basename="project")
router.register(
    r"projects/(?P<project_pk>\d+)/milestones", views.MilestoneViewSet, basename="milestone"
)
router.register(
    r"projects/(?P<project_pk>\d+)/deliverables", views.DeliverableViewSet, basename="deliverable"
)
router.register(
    r"projects/(?P<project_pk>\d+)/documents", views.DocumentViewSet, basename="document"
)

router.register(r"projects/(?P<project_pk>\d+)/gates", views.PhaseGateViewSet, basename="gate")
router.register(
    r"projects/(?P<project_pk>\d+)/objectives", views.ObjectiveViewSet, basename="objective"
)
router.register(r"projects/(?P<project_pk>\d+)/tasks", views.TaskViewSet, basename="task")
router.register(
    r"projects/(?P<project_pk>\d+)/schedule", views.ScheduleViewSet, basename="schedule"
)

router.register(
    r"projects/(?P<project_pk>\d+)/time-entries", costs.TimeEntryViewSet, basename="time-entry"
)
router.register(r"projects/(?P<project_pk>\d+)/rates", costs.RateViewSet, basename="rate")
router.register(
    r"projects/(?P<project_pk>\d+)/cost-entries", costs.CostEntryViewSet, basename="cost-entry"
)
router.register(
    r"projects/(?P<project_pk>\d+)/earned-value",
    costs.EarnedValueViewSet,
    basename="earned-value",
)

urlpatterns = [path("search/", search.SearchView.as_view(), name="search"), *router.urls]
