"""Ticket and account pages, in the `feedback:` namespace (included by feedback/urls.py)."""

from django.urls import URLPattern, path

from feedback.tickets import views

urlpatterns: list[URLPattern] = [
    # Staff
    path(
        "projects/<int:project_id>/feedback/",
        views.ProjectFeedbackView.as_view(),
        name="project_feedback",
    ),
    path(
        "projects/<int:project_id>/feedback.csv",
        views.ProjectFeedbackCsvView.as_view(),
        name="project_feedback_csv",
    ),
    path(
        "projects/<int:project_id>/feedback/<int:ticket_id>/",
        views.TicketView.as_view(),
        name="ticket",
    ),
    path(
        "projects/<int:project_id>/feedback/<int:ticket_id>/files/<int:attachment_id>/",
        views.TicketAttachmentView.as_view(),
        name="ticket_attachment",
    ),
    path(
        "clients/<int:organization_id>/account/",
        views.AccountView.as_view(),
        name="account",
    ),
    path(
        "clients/<int:organization_id>/account/opportunities/<int:opportunity_id>/",
        views.OpportunityView.as_view(),
        name="opportunity",
    ),
    # Portal
    path("portal/feedback/", views.PortalTicketListView.as_view(), name="portal_tickets"),
    path(
        "portal/feedback/new/",
        views.PortalTicketCreateView.as_view(),
        name="portal_ticket_create",
    ),
    path(
        "portal/projects/<int:project_id>/feedback/",
        views.PortalProjectTicketsView.as_view(),
        name="portal_project_tickets",
    ),
    path(
        "portal/projects/<int:project_id>/feedback/<int:ticket_id>/",
        views.PortalTicketView.as_view(),
        name="portal_ticket",
    ),
    path(
        "portal/projects/<int:project_id>/feedback/<int:ticket_id>/files/<int:attachment_id>/",
        views.PortalTicketAttachmentView.as_view(),
        name="portal_ticket_attachment",
    ),
]
