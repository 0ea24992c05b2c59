from django.urls import path

from stakeholders import views, views_changes, views_discussions, views_meetings

app_name = "stakeholders"

urlpatterns = [
    path(
        "discussions/<str:target>/<int:object_id>/",
        views_discussions.thread,
        name="thread",
    ),
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
    # Staff
    path(
        "projects/<int:project_id>/stakeholders/",
        views_meetings.RegisterView.as_view(),
        name="register",
    ),
    path(
        "projects/<int:project_id>/meetings/",
        views_meetings.MeetingListView.as_view(),
        name="meetings",
    ),
    path(
        "projects/<int:project_id>/meetings/<int:meeting_id>/",
        views_meetings.MeetingDetailView.as_view(),
        name="meeting",
    ),
    path(
        "projects/<int:project_id>/decisions/",
        views_meetings.DecisionLogView.as_view(),
        name="decisions",
    ),
    path(
        "projects/<int:project_id>/decisions.csv",
        views_meetings.DecisionLogCsvView.as_view(),
        name="decisions_csv",
    ),
    path(
        "projects/<int:project_id>/decisions.pdf",
        views_meetings.DecisionLogPdfView.as_view(),
        name="decisions_pdf",
    ),
    path("todo/", views_meetings.TodoView.as_view(), name="todo"),
    path(
        "action-items/<int:item_id>/done/",
        views_meetings.ActionItemDoneView.as_view(),
        name="action_item_done",
    ),
    # Portal
    path("portal/todo/", views_meetings.PortalTodoView.as_view(), name="portal_todo"),
    path(
        "portal/projects/<int:project_id>/engagement/",
        views_meetings.PortalEngagementView.as_view(),
        name="portal_engagement",
    ),
    path(
        "portal/projects/<int:project_id>/meetings/",
        views_meetings.PortalMeetingListView.as_view(),
        name="portal_meetings",
    ),
    path(
        "portal/projects/<int:project_id>/meetings/<int:meeting_id>/",
        views_meetings.PortalMeetingDetailView.as_view(),
        name="portal_meeting",
    ),
    path(
        "portal/projects/<int:project_id>/decisions/",
        views_meetings.PortalDecisionLogView.as_view(),
        name="portal_decisions",
    ),
    path(
        "portal/projects/<int:project_id>/decisions.csv",
        views_meetings.PortalDecisionLogCsvView.as_view(),
        name="portal_decisions_csv",
    ),
    path(
        "portal/projects/<int:project_id>/decisions.pdf",
        views_meetings.PortalDecisionLogPdfView.as_view(),
        name="portal_decisions_pdf",
    ),
]
