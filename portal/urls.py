from django.urls import path

from closeout.views import PortalCloseoutView
from common.exports import export_paths
from portal import views, views_client
from stakeholders.views import changes as change_views
from stakeholders.views import requirements as requirement_views

app_name = "portal"

urlpatterns = [
    path("", views.PortalHomeView.as_view(), name="home"),
    path("projects/", views.PortalProjectListView.as_view(), name="project_list"),
    *export_paths(
        "projects/list",
        views.PortalProjectListExportView,
        csv_name="project_list_csv",
        xlsx_name="project_list_xlsx",
    ),
    path("search/", views.PortalSearchView.as_view(), name="search"),
    path("projects/<int:project_id>/", views.PortalProjectDetailView.as_view(), name="project"),
    path(
        "projects/<int:project_id>/deliverables/<int:deliverable_id>/",
        views.PortalDeliverableView.as_view(),
        name="deliverable",
    ),
    path(
        "projects/<int:project_id>/requirements/",
        requirement_views.PortalRequirementListView.as_view(),
        name="requirements",
    ),
    *export_paths(
        "projects/<int:project_id>/requirements",
        requirement_views.PortalRequirementExportView,
        csv_name="requirements_csv",
        xlsx_name="requirements_xlsx",
    ),
    path(
        "projects/<int:project_id>/requirements/new/",
        requirement_views.PortalRequirementCreateView.as_view(),
        name="requirement_create",
    ),
    path(
        "projects/<int:project_id>/requirements/<int:requirement_id>/",
        requirement_views.PortalRequirementDetailView.as_view(),
        name="requirement",
    ),
    path(
        "projects/<int:project_id>/gates/<int:gate_id>/",
        views.PortalGateView.as_view(),
        name="gate",
    ),
    path(
        "projects/<int:project_id>/closeout/",
        PortalCloseoutView.as_view(),
        name="closeout",
    ),
    path(
        "projects/<int:project_id>/members/",
        views.PortalProjectMembersView.as_view(),
        name="project_members",
    ),
    path(
        "projects/<int:project_id>/members/invite/",
        views.PortalMemberInviteView.as_view(),
        name="project_member_invite",
    ),
    path(
        "projects/<int:project_id>/members/invitations/revoke/",
        views.PortalInvitationRevokeView.as_view(),
        name="project_invitation_revoke",
    ),
    path(
        "projects/<int:project_id>/members/role/",
        views.PortalMemberChangeRoleView.as_view(),
        name="project_member_change_role",
    ),
    path(
        "projects/<int:project_id>/members/remove/",
        views.PortalMemberRemoveView.as_view(),
        name="project_member_remove",
    ),
    *export_paths(
        "projects/<int:project_id>/deliverables",
        views.PortalDeliverableExportView,
        csv_name="deliverables_csv",
        xlsx_name="deliverables_xlsx",
    ),
    *export_paths(
        "projects/<int:project_id>/documents",
        views.PortalDocumentExportView,
        csv_name="documents_csv",
        xlsx_name="documents_xlsx",
    ),
    path(
        "projects/<int:project_id>/documents/upload/",
        views.PortalDocumentUploadView.as_view(),
        name="document_upload",
    ),
    path(
        "projects/<int:project_id>/documents/versions/",
        views.PortalDocumentVersionUploadView.as_view(),
        name="document_version_upload",
    ),
    path(
        "projects/<int:project_id>/documents/<int:document_id>/download/",
        views.PortalDocumentDownloadView.as_view(),
        name="document_download",
    ),
    path(
        "projects/<int:project_id>/timeline/",
        views.PortalTimelineView.as_view(),
        name="project_timeline",
    ),
    path(
        "projects/<int:project_id>/timeline/pdf/",
        views.PortalTimelinePdfView.as_view(),
        name="project_timeline_pdf",
    ),
    path(
        "projects/<int:project_id>/baselines/",
        views.PortalBaselinesView.as_view(),
        name="project_baselines",
    ),
    path(
        "projects/<int:project_id>/change-requests/",
        change_views.PortalChangeRequestListView.as_view(),
        name="change_requests",
    ),
    *export_paths(
        "projects/<int:project_id>/change-requests",
        change_views.PortalChangeRequestExportView,
        csv_name="change_requests_csv",
        xlsx_name="change_requests_xlsx",
    ),
    path(
        "projects/<int:project_id>/change-requests/<int:cr_id>/",
        change_views.PortalChangeRequestView.as_view(),
        name="change_request",
    ),
    path(
        "projects/<int:project_id>/decisions/<slug:kind>/<int:item_id>/",
        views_client.DecisionActView.as_view(),
        name="decision_act",
    ),
    path(
        "projects/<int:project_id>/audit-log/",
        views_client.ClientAuditLogView.as_view(),
        name="audit_log",
    ),
    path(
        "projects/<int:project_id>/welcome/",
        views_client.OnboardingView.as_view(),
        name="onboarding",
    ),
    path(
        "view-as/projects/<int:project_id>/",
        views_client.ViewAsStartView.as_view(),
        name="view_as_start",
    ),
    path("view-as/stop/", views_client.ViewAsStopView.as_view(), name="view_as_stop"),
    path(
        "response-time/projects/<int:project_id>/",
        views_client.ClientResponseTimeView.as_view(),
        name="response_time",
    ),
]
