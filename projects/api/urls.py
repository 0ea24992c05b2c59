from django.urls import path
from rest_framework.routers import SimpleRouter

from projects.api import (
    baselines,
    costs,
    deliverables,
    documents,
    gates,
    members,
    organizations,
    projects,
    search,
    tasks,
    templates,
)

router = SimpleRouter()
router.register("organizations", organizations.OrganizationViewSet, basename="organization")
router.register("projects", projects.ProjectViewSet, basename="project")
router.register("project-templates", templates.ProjectTemplateViewSet, basename="project-template")
router.register(
    r"projects/(?P<project_pk>\d+)/invitations", members.InvitationViewSet, basename="invitation"
)
router.register(
    r"projects/(?P<project_pk>\d+)/milestones", deliverables.MilestoneViewSet, basename="milestone"
)
router.register(
    r"projects/(?P<project_pk>\d+)/deliverables",
    deliverables.DeliverableViewSet,
    basename="deliverable",
)
router.register(
    r"projects/(?P<project_pk>\d+)/documents", documents.DocumentViewSet, basename="document"
)

router.register(
    r"projects/(?P<project_pk>\d+)/baselines", baselines.BaselineViewSet, basename="baseline"
)
router.register(r"projects/(?P<project_pk>\d+)/gates", gates.PhaseGateViewSet, basename="gate")
router.register(
    r"projects/(?P<project_pk>\d+)/objectives", projects.ObjectiveViewSet, basename="objective"
)
router.register(r"projects/(?P<project_pk>\d+)/tasks", tasks.TaskViewSet, basename="task")
router.register(
    r"projects/(?P<project_pk>\d+)/schedule", tasks.ScheduleViewSet, basename="schedule"
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
