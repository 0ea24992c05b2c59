from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects.views import ProjectPlaceholderView
from stakeholders import views_changes

app_name = "stakeholders"

urlpatterns = [
    path(
        "projects/<int:project_id>/requirements/",
        ProjectPlaceholderView.as_view(tab="requirements", title=_("Requirements and changes")),
        name="requirements",
    ),
    path(
        "projects/<int:project_id>/change-requests/",
        views_changes.ChangeRequestListView.as_view(),
        name="change_requests",
    ),
    path(
        "projects/<int:project_id>/change-requests/<int:cr_id>/",
        views_changes.ChangeRequestDetailView.as_view(),
        name="change_request",
    ),
]
