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
from projects.views.costs import CostCsvView, TimeCostView
from projects.views.documents import (
    DocumentDownloadMixin,
    DocumentDownloadView,
    ProjectDocumentsView,
)
from projects.views.gates import ProjectGateView
from projects.views.search import SearchView, SearchViewMixin
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
    "CostCsvView",
    "DeliverableDetailView",
    "DocumentDownloadMixin",
    "DocumentDownloadView",
    "MembersViewMixin",
    "ProjectCreateView",
    "ProjectDetailView",
    "ProjectDocumentsView",
    "ProjectEditView",
    "ProjectGateView",
    "ProjectListView",
    "ProjectMembersView",
    "ProjectPlaceholderView",
    "ProjectPlanView",
    "ResourceView",
    "SearchView",
    "SearchViewMixin",
    "TaskCsvView",
    "TaskDetailView",
    "TaskListView",
    "TaskQuickEditView",
    "TimeCostView",
    "TimelineView",
    "TimelineViewMixin",
    "deliverable_url",
]
