from django.urls import path

from stakeholders import views, views_changes

app_name = "stakeholders"

urlpatterns = [
    path(
        "projects/<int:project_id>/requirements/",
        views.RequirementListView.as_view(),
        name="requirements",
    ),
    path(
        "projects/<int:project_id>/requirements/new/",
        views.RequirementCreateView.as_view(),
        name="requirement_create",
    ),
    path(
        "projects/<int:project_id>/requirements/traceability/",
        views.RequirementTraceabilityView.as_view(),
        name="requirement_traceability",
    ),
    path(
        "projects/<int:project_id>/requirements/<int:requirement_id>/",
        views.RequirementDetailView.as_view(),
        name="requirement",
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
