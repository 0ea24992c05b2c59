from django.urls import path

from stakeholders.views import action_items, changes, decisions, meetings, register, requirements

app_name = "stakeholders"

urlpatterns = [
    path(
        "projects/<int:project_id>/requirements/",
        requirements.RequirementListView.as_view(),
        name="requirements",
    ),
    path(
        "projects/<int:project_id>/requirements/new/",
        requirements.RequirementCreateView.as_view(),
        name="requirement_create",
    ),
    path(
        "projects/<int:project_id>/requirements/traceability/",
        requirements.RequirementTraceabilityView.as_view(),
        name="requirement_traceability",
    ),
    path(
        "projects/<int:project_id>/requirements/<int:requirement_id>/",
        requirements.RequirementDetailView.as_view(),
        name="requirement",
    ),
    path(
        "projects/<int:project_id>/change-requests/",
        changes.ChangeRequestListView.as_view(),
        name="change_requests",
    ),
    path(
        "projects/<int:project_id>/change-requests/<int:cr_id>/",
        changes.ChangeRequestDetailView.as_view(),
        name="change_request",
    ),
    # Staff
    path(
        "projects/<int:project_id>/stakeholders/",
        register.RegisterView.as_view(),
        name="register",
    ),
    path(
        "projects/<int:project_id>/stakeholders/<int:stakeholder_id>/",
        register.StakeholderEditView.as_view(),
        name="stakeholder",
    ),
    path(
        "projects/<int:project_id>/communication-plan/<int:item_id>/",
        register.CommunicationItemEditView.as_view(),
        name="communication_item",
    ),
    path(
        "projects/<int:project_id>/meetings/",
        meetings.MeetingListView.as_view(),
        name="meetings",
    ),
    path(
        "projects/<int:project_id>/meetings/<int:meeting_id>/",
        meetings.MeetingDetailView.as_view(),
        name="meeting",
    ),
    path(
        "projects/<int:project_id>/decisions/",
        decisions.DecisionLogView.as_view(),
        name="decisions",
    ),
    path(
        "projects/<int:project_id>/decisions.csv",
        decisions.DecisionLogCsvView.as_view(),
        name="decisions_csv",
    ),
    path(
        "projects/<int:project_id>/decisions.pdf",
        decisions.DecisionLogPdfView.as_view(),
        name="decisions_pdf",
    ),
    path("todo/", action_items.TodoView.as_view(), name="todo"),
    path(
        "action-items/<int:item_id>/done/",
        action_items.ActionItemDoneView.as_view(),
        name="action_item_done",
    ),
    # Portal
    path("portal/todo/", action_items.PortalTodoView.as_view(), name="portal_todo"),
    path(
        "portal/projects/<int:project_id>/engagement/",
        register.PortalEngagementView.as_view(),
        name="portal_engagement",
    ),
    path(
        "portal/projects/<int:project_id>/meetings/",
        meetings.PortalMeetingListView.as_view(),
        name="portal_meetings",
    ),
    path(
        "portal/projects/<int:project_id>/meetings/<int:meeting_id>/",
        meetings.PortalMeetingDetailView.as_view(),
        name="portal_meeting",
    ),
    path(
        "portal/projects/<int:project_id>/decisions/",
        decisions.PortalDecisionLogView.as_view(),
        name="portal_decisions",
    ),
    path(
        "portal/projects/<int:project_id>/decisions.csv",
        decisions.PortalDecisionLogCsvView.as_view(),
        name="portal_decisions_csv",
    ),
    path(
        "portal/projects/<int:project_id>/decisions.pdf",
        decisions.PortalDecisionLogPdfView.as_view(),
        name="portal_decisions_pdf",
    ),
]
