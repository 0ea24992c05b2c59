"""Staff pages of the projects app; one module per subject."""

from projects.views.core import (
    DeliverableDetailView,
    MembersViewMixin,
    ProjectCreateView,
    ProjectDetailView,
    ProjectEditView,
    ProjectListView,
    ProjectMembersView,
    ProjectPlaceholderView,
    ProjectPlanView,
    deliverable_url,
)
from projects.views.tasks import (
    ResourceView,
    TaskCsvView,
    TaskDetailView,
    TaskListView,
    TaskQuickEditView,
    TimelineView,
    TimelineViewMixin,
)

__all__ = [
    "DeliverableDetailView",
    "MembersViewMixin",
    "ProjectCreateView",
    "ProjectDetailView",
    "ProjectEditView",
    "ProjectListView",
    "ProjectMembersView",
    "ProjectPlaceholderView",
    "ProjectPlanView",
    "ResourceView",
    "TaskCsvView",
    "TaskDetailView",
    "TaskListView",
    "TaskQuickEditView",
    "TimelineView",
    "TimelineViewMixin",
    "deliverable_url",
]
