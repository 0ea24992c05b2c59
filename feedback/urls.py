"""The feedback app's pages, in the `feedback:` namespace at the site root: the satisfaction
dashboard, survey templates, a project's surveys and responses, the public answer page, feedback
tickets (staff and portal) and a client's account."""

from django.urls import URLPattern, path

from common.exports import export_paths
from feedback.views import (
    account,
    answer,
    campaigns,
    portal_tickets,
    responses,
    satisfaction,
    survey_templates,
    ticket_steps,
    tickets,
)

app_name = "feedback"

template = "satisfaction/templates/<int:template_id>"
ticket = "projects/<int:project_id>/feedback/<int:ticket_id>"
portal_ticket = "portal/projects/<int:project_id>/feedback/<int:ticket_id>"

satisfaction_urlpatterns: list[URLPattern] = [
    path("satisfaction/", satisfaction.SatisfactionDashboardView.as_view(), name="dashboard"),
    *export_paths(
        "satisfaction/export",
        satisfaction.SatisfactionCsvView,
        csv_name="dashboard_csv",
        xlsx_name="dashboard_xlsx",
    ),
]

survey_urlpatterns: list[URLPattern] = [
    path(
        "satisfaction/templates/",
        survey_templates.TemplateListView.as_view(),
        name="survey_templates",
    ),
    *export_paths(
        "satisfaction/templates",
        survey_templates.TemplateListExportView,
        csv_name="survey_templates_csv",
        xlsx_name="survey_templates_xlsx",
    ),
    path(f"{template}/", survey_templates.TemplateDetailView.as_view(), name="survey_template"),
    path(
        f"{template}/questions/",
        survey_templates.QuestionAddView.as_view(),
        name="survey_question_add",
    ),
    path(
        f"{template}/questions/delete/",
        survey_templates.QuestionDeleteView.as_view(),
        name="survey_question_delete",
    ),
    path(
        f"{template}/copy/",
        survey_templates.TemplateCopyView.as_view(),
        name="survey_template_copy",
    ),
    path(
        f"{template}/default/",
        survey_templates.TemplateSetDefaultView.as_view(),
        name="survey_template_set_default",
    ),
    path(
        f"{template}/archive/",
        survey_templates.TemplateArchiveView.as_view(),
        name="survey_template_archive",
    ),
    path(
        "satisfaction/responses/<int:response_id>/",
        responses.ResponseDetailView.as_view(),
        name="survey_response",
    ),
    path(
        "satisfaction/follow-ups/<int:follow_up_id>/",
        responses.FollowUpView.as_view(),
        name="follow_up",
    ),
    path(
        "projects/<int:project_id>/surveys/",
        campaigns.ProjectSurveysView.as_view(),
        name="project_surveys",
    ),
    *export_paths(
        "projects/<int:project_id>/surveys",
        campaigns.CampaignListExportView,
        csv_name="project_surveys_csv",
        xlsx_name="project_surveys_xlsx",
    ),
    path(
        "projects/<int:project_id>/surveys/campaigns/",
        campaigns.CampaignCreateView.as_view(),
        name="campaign_create",
    ),
    path(
        "projects/<int:project_id>/surveys/automations/",
        campaigns.AutomationCreateView.as_view(),
        name="automation_create",
    ),
    path(
        "projects/<int:project_id>/surveys/automations/stop/",
        campaigns.AutomationStopView.as_view(),
        name="automation_stop",
    ),
    path(
        "projects/<int:project_id>/surveys/responses/",
        responses.ProjectResponsesView.as_view(),
        name="project_responses",
    ),
    path(
        "projects/<int:project_id>/surveys/<int:campaign_id>/",
        campaigns.CampaignDetailView.as_view(),
        name="campaign",
    ),
    path("surveys/<str:token>/", answer.SurveyAnswerView.as_view(), name="survey_answer"),
    path(
        "surveys/<str:token>/unsubscribe/",
        answer.SurveyUnsubscribeView.as_view(),
        name="survey_unsubscribe",
    ),
    path("portal/surveys/", answer.PortalSurveysView.as_view(), name="portal_surveys"),
]

ticket_urlpatterns: list[URLPattern] = [
    # Staff
    path(
        "projects/<int:project_id>/feedback/",
        tickets.ProjectFeedbackView.as_view(),
        name="project_feedback",
    ),
    *export_paths(
        "projects/<int:project_id>/feedback",
        tickets.ProjectFeedbackCsvView,
        csv_name="project_feedback_csv",
        xlsx_name="project_feedback_xlsx",
    ),
    path(f"{ticket}/", tickets.TicketView.as_view(), name="ticket"),
    path(
        f"{ticket}/acknowledge/",
        ticket_steps.TicketAcknowledgeView.as_view(),
        name="ticket_acknowledge",
    ),
    path(f"{ticket}/start/", ticket_steps.TicketStartView.as_view(), name="ticket_start"),
    path(f"{ticket}/resolve/", ticket_steps.TicketResolveView.as_view(), name="ticket_resolve"),
    path(f"{ticket}/update/", ticket_steps.TicketUpdateView.as_view(), name="ticket_update"),
    path(f"{ticket}/confirm/", ticket_steps.TicketConfirmView.as_view(), name="ticket_confirm"),
    path(f"{ticket}/reopen/", ticket_steps.TicketReopenView.as_view(), name="ticket_reopen"),
    path(f"{ticket}/attach/", ticket_steps.TicketAttachView.as_view(), name="ticket_attach"),
    path(
        f"{ticket}/files/<int:attachment_id>/",
        tickets.TicketAttachmentView.as_view(),
        name="ticket_attachment",
    ),
    # Portal
    path("portal/feedback/", portal_tickets.PortalTicketListView.as_view(), name="portal_tickets"),
    *export_paths(
        "portal/feedback/list",
        portal_tickets.PortalTicketListExportView,
        csv_name="portal_tickets_csv",
        xlsx_name="portal_tickets_xlsx",
    ),
    path(
        "portal/feedback/new/",
        portal_tickets.PortalTicketCreateView.as_view(),
        name="portal_ticket_create",
    ),
    path(
        "portal/projects/<int:project_id>/feedback/",
        portal_tickets.PortalProjectTicketsView.as_view(),
        name="portal_project_tickets",
    ),
    *export_paths(
        "portal/projects/<int:project_id>/feedback/list",
        portal_tickets.PortalProjectTicketsExportView,
        csv_name="portal_project_tickets_csv",
        xlsx_name="portal_project_tickets_xlsx",
    ),
    path(f"{portal_ticket}/", portal_tickets.PortalTicketView.as_view(), name="portal_ticket"),
    path(
        f"{portal_ticket}/confirm/",
        ticket_steps.PortalTicketConfirmView.as_view(),
        name="portal_ticket_confirm",
    ),
    path(
        f"{portal_ticket}/reopen/",
        ticket_steps.PortalTicketReopenView.as_view(),
        name="portal_ticket_reopen",
    ),
    path(
        f"{portal_ticket}/attach/",
        ticket_steps.PortalTicketAttachView.as_view(),
        name="portal_ticket_attach",
    ),
    path(
        f"{portal_ticket}/files/<int:attachment_id>/",
        portal_tickets.PortalTicketAttachmentView.as_view(),
        name="portal_ticket_attachment",
    ),
]

account_urlpatterns: list[URLPattern] = [
    path("clients/<int:organization_id>/account/", account.AccountView.as_view(), name="account"),
    path(
        "clients/<int:organization_id>/account/interactions/",
        account.InteractionLogView.as_view(),
        name="interaction_log",
    ),
    path(
        "clients/<int:organization_id>/account/opportunities/",
        account.OpportunityCreateView.as_view(),
        name="opportunity_create",
    ),
    path(
        "clients/<int:organization_id>/account/opportunities/<int:opportunity_id>/",
        account.OpportunityView.as_view(),
        name="opportunity",
    ),
]

urlpatterns = [
    *satisfaction_urlpatterns,
    *survey_urlpatterns,
    *ticket_urlpatterns,
    *account_urlpatterns,
]
