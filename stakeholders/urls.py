from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects.views import ProjectPlaceholderView
from stakeholders import views_meetings as views

app_name = "stakeholders"

urlpatterns = [
    path(
        "projects/<int:project_id>/requirements/",
        ProjectPlaceholderView.as_view(tab="requirements", title=_("Requirements and changes")),
        name="requirements",
    ),
    # Staff
    path(
        "projects/<int:project_id>/stakeholders/",
        views.RegisterView.as_view(),
        name="register",
    ),
    path("projects/<int:project_id>/meetings/", views.MeetingListView.as_view(), name="meetings"),
    path(
        "projects/<int:project_id>/meetings/<int:meeting_id>/",
        views.MeetingDetailView.as_view(),
        name="meeting",
    ),
    path(
        "projects/<int:project_id>/decisions/",
        views.DecisionLogView.as_view(),
        name="decisions",
    ),
    path(
        "projects/<int:project_id>/decisions.csv",
        views.DecisionLogCsvView.as_view(),
        name="decisions_csv",
    ),
    path("todo/", views.TodoView.as_view(), name="todo"),
    path(
        "action-items/<int:item_id>/done/",
        views.ActionItemDoneView.as_view(),
        name="action_item_done",
    ),
    # Portal
    path("portal/todo/", views.PortalTodoView.as_view(), name="portal_todo"),
    path(
        "portal/projects/<int:project_id>/engagement/",
        views.PortalEngagementView.as_view(),
        name="portal_engagement",
    ),
    path(
        "portal/projects/<int:project_id>/meetings/",
        views.PortalMeetingListView.as_view(),
        name="portal_meetings",
    ),
    path(
        "portal/projects/<int:project_id>/meetings/<int:meeting_id>/",
        views.PortalMeetingDetailView.as_view(),
        name="portal_meeting",
    ),
    path(
        "portal/projects/<int:project_id>/decisions/",
        views.PortalDecisionLogView.as_view(),
        name="portal_decisions",
    ),
    path(
        "portal/projects/<int:project_id>/decisions.csv",
        views.PortalDecisionLogCsvView.as_view(),
        name="portal_decisions_csv",
    ),
    path(
        "portal/projects/<int:project_id>/decisions/print/",
        views.PortalDecisionPrintView.as_view(),
        name="portal_decisions_print",
    ),
]
