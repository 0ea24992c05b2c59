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
from projects.views.costs import (
    CostAddView,
    CostCsvView,
    CostEntryDeleteView,
    RateDeleteView,
    RateSetView,
    TimeApproveView,
    TimeCostView,
    TimeEntryDeleteView,
    TimeLogView,
)
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
    "CostAddView",
    "CostCsvView",
    "CostEntryDeleteView",
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
    "RateDeleteView",
    "RateSetView",
    "ResourceView",
    "SearchView",
    "SearchViewMixin",
    "TaskCsvView",
    "TaskDetailView",
    "TaskListView",
    "TaskQuickEditView",
    "TimeApproveView",
    "TimeCostView",
    "TimeEntryDeleteView",
    "TimeLogView",
    "TimelineView",
    "TimelineViewMixin",
    "deliverable_url",
]
