from django.urls import path

from common.exports import export_paths
from projects import views
from projects.views.baselines import BaselineSetView, BaselinesView
from projects.views.templates import (
    TemplateDeleteView,
    TemplateListExportView,
    TemplateListView,
    TemplateSaveView,
)
from projects.views.timeline import TimelinePdfView

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    *export_paths("list", views.ProjectListExportView, csv_name="list_csv", xlsx_name="list_xlsx"),
    path("new/", views.ProjectCreateView.as_view(), name="create"),
    path("templates/", TemplateListView.as_view(), name="templates"),
    *export_paths(
        "templates",
        TemplateListExportView,
        csv_name="templates_csv",
        xlsx_name="templates_xlsx",
    ),
    path(
        "templates/<int:template_id>/delete/", TemplateDeleteView.as_view(), name="template_delete"
    ),
    path("<int:project_id>/save-as-template/", TemplateSaveView.as_view(), name="template_save"),
    path("resources/", views.ResourceView.as_view(), name="resources"),
    *export_paths(
        "resources", views.ResourceExportView, csv_name="resources_csv", xlsx_name="resources_xlsx"
    ),
    path("<int:project_id>/", views.ProjectDetailView.as_view(), name="detail"),
    path(
        "<int:project_id>/health/override/",
        views.HealthOverrideView.as_view(),
        name="health_override",
    ),
    path(
        "<int:project_id>/health/override/clear/",
        views.HealthOverrideClearView.as_view(),
        name="health_override_clear",
    ),
    path("<int:project_id>/objectives/", views.ObjectiveAddView.as_view(), name="objective_add"),
    path(
        "<int:project_id>/objectives/edit/",
        views.ObjectiveEditView.as_view(),
        name="objective_edit",
    ),
    path(
        "<int:project_id>/objectives/delete/",
        views.ObjectiveDeleteView.as_view(),
        name="objective_delete",
    ),
    path("<int:project_id>/edit/", views.ProjectEditView.as_view(), name="edit"),
    path("<int:project_id>/archive/", views.ProjectArchiveView.as_view(), name="archive"),
    path("<int:project_id>/restore/", views.ProjectRestoreView.as_view(), name="restore"),
    path("<int:project_id>/gate/", views.ProjectGateView.as_view(), name="gate"),
    path("<int:project_id>/members/", views.ProjectMembersView.as_view(), name="members"),
    *export_paths(
        "<int:project_id>/members",
        views.MembersExportView,
        csv_name="members_csv",
        xlsx_name="members_xlsx",
    ),
    path(
        "<int:project_id>/members/invite/", views.MemberInviteView.as_view(), name="member_invite"
    ),
    path(
        "<int:project_id>/members/invitations/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "<int:project_id>/members/role/",
        views.MemberChangeRoleView.as_view(),
        name="member_change_role",
    ),
    path(
        "<int:project_id>/members/remove/", views.MemberRemoveView.as_view(), name="member_remove"
    ),
    path("<int:project_id>/plan/", views.ProjectPlanView.as_view(), name="plan"),
    *export_paths(
        "<int:project_id>/plan", views.PlanExportView, csv_name="plan_csv", xlsx_name="plan_xlsx"
    ),
    path(
        "<int:project_id>/plan/milestones/", views.MilestoneAddView.as_view(), name="milestone_add"
    ),
    path(
        "<int:project_id>/plan/milestones/edit/",
        views.MilestoneEditView.as_view(),
        name="milestone_edit",
    ),
    path(
        "<int:project_id>/plan/deliverables/",
        views.DeliverableAddView.as_view(),
        name="deliverable_add",
    ),
    path(
        "<int:project_id>/deliverables/<int:deliverable_id>/",
        views.DeliverableDetailView.as_view(),
        name="deliverable",
    ),
    path(
        "<int:project_id>/deliverables/<int:deliverable_id>/review/",
        views.QualityReviewView.as_view(),
        name="deliverable_review",
    ),
    path(
        "<int:project_id>/deliverables/<int:deliverable_id>/submit/",
        views.DeliverableSubmitView.as_view(),
        name="deliverable_submit",
    ),
    path(
        "<int:project_id>/deliverables/<int:deliverable_id>/accept-internally/",
        views.DeliverableAcceptInternallyView.as_view(),
        name="deliverable_accept_internally",
    ),
    path(
        "<int:project_id>/deliverables/<int:deliverable_id>/documents/",
        views.DeliverableDocumentUploadView.as_view(),
        name="deliverable_document_upload",
    ),
    path("<int:project_id>/documents/", views.ProjectDocumentsView.as_view(), name="documents"),
    *export_paths(
        "<int:project_id>/documents",
        views.DocumentExportView,
        csv_name="documents_csv",
        xlsx_name="documents_xlsx",
    ),
    path(
        "<int:project_id>/documents/upload/",
        views.DocumentUploadView.as_view(),
        name="document_upload",
    ),
    path(
        "<int:project_id>/documents/versions/",
        views.DocumentVersionUploadView.as_view(),
        name="document_version_upload",
    ),
    path(
        "<int:project_id>/documents/visibility/",
        views.DocumentVisibilityView.as_view(),
        name="document_visibility",
    ),
    path(
        "<int:project_id>/documents/delete/",
        views.DocumentDeleteView.as_view(),
        name="document_delete",
    ),
    path(
        "<int:project_id>/documents/<int:document_id>/download/",
        views.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    path("<int:project_id>/tasks/", views.TaskListView.as_view(), name="tasks"),
    *export_paths(
        "<int:project_id>/tasks", views.TaskCsvView, csv_name="tasks_csv", xlsx_name="tasks_xlsx"
    ),
    path("<int:project_id>/tasks/<int:task_id>/", views.TaskDetailView.as_view(), name="task"),
    path(
        "<int:project_id>/tasks/<int:task_id>/delete/",
        views.TaskDeleteView.as_view(),
        name="task_delete",
    ),
    path(
        "<int:project_id>/tasks/<int:task_id>/dependencies/",
        views.DependencyAddView.as_view(),
        name="task_dependency_add",
    ),
    path(
        "<int:project_id>/tasks/<int:task_id>/dependencies/remove/",
        views.DependencyRemoveView.as_view(),
        name="task_dependency_remove",
    ),
    path(
        "<int:project_id>/tasks/<int:task_id>/quick/",
        views.TaskQuickEditView.as_view(),
        name="task_quick_edit",
    ),
    path("<int:project_id>/costs/", views.TimeCostView.as_view(), name="costs"),
    path("<int:project_id>/costs/time/", views.TimeLogView.as_view(), name="costs_log_time"),
    path(
        "<int:project_id>/costs/time/approve/",
        views.TimeApproveView.as_view(),
        name="costs_approve_time",
    ),
    path(
        "<int:project_id>/costs/time/delete/",
        views.TimeEntryDeleteView.as_view(),
        name="costs_delete_time",
    ),
    path("<int:project_id>/costs/rates/", views.RateSetView.as_view(), name="costs_set_rate"),
    path(
        "<int:project_id>/costs/rates/delete/",
        views.RateDeleteView.as_view(),
        name="costs_delete_rate",
    ),
    path("<int:project_id>/costs/entries/", views.CostAddView.as_view(), name="costs_add_cost"),
    path(
        "<int:project_id>/costs/entries/delete/",
        views.CostEntryDeleteView.as_view(),
        name="costs_delete_cost",
    ),
    *export_paths(
        "<int:project_id>/costs", views.CostCsvView, csv_name="costs_csv", xlsx_name="costs_xlsx"
    ),
    path("<int:project_id>/timeline/", views.TimelineView.as_view(), name="timeline"),
    path("<int:project_id>/timeline/pdf/", TimelinePdfView.as_view(), name="timeline_pdf"),
    path("<int:project_id>/baselines/", BaselinesView.as_view(), name="baselines"),
    path("<int:project_id>/baselines/set/", BaselineSetView.as_view(), name="baseline_set"),
    path("<int:project_id>/failed-emails/", views.FailedEmailsView.as_view(), name="failed_emails"),
    *export_paths(
        "<int:project_id>/failed-emails",
        views.FailedEmailExportView,
        csv_name="failed_emails_csv",
        xlsx_name="failed_emails_xlsx",
    ),
    path(
        "<int:project_id>/failed-emails/<int:message_id>/resend/",
        views.FailedEmailResendView.as_view(),
        name="failed_email_resend",
    ),
]
