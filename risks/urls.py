from django.urls import path

from common.exports import export_paths
from risks.views import portal, register, risks, settings

app_name = "risks"

risk = "projects/<int:project_id>/risks/<int:risk_id>"

urlpatterns = [
    # Staff
    path("projects/<int:project_id>/risks/", register.RegisterView.as_view(), name="register"),
    *export_paths(
        "projects/<int:project_id>/risks",
        register.RiskCsvView,
        csv_name="export",
        xlsx_name="export_xlsx",
    ),
    path(
        "projects/<int:project_id>/risks/issues/resolve/",
        register.IssueResolveView.as_view(),
        name="issue_resolve",
    ),
    path(
        "projects/<int:project_id>/risks/settings/",
        settings.RiskSettingsView.as_view(),
        name="settings",
    ),
    path(f"{risk}/", risks.RiskDetailView.as_view(), name="risk"),
    path(f"{risk}/assess/", risks.RiskAssessView.as_view(), name="risk_assess"),
    path(f"{risk}/edit/", risks.RiskEditView.as_view(), name="risk_edit"),
    path(f"{risk}/status/", risks.RiskTransitionView.as_view(), name="risk_transition"),
    path(f"{risk}/actions/", risks.ActionAddView.as_view(), name="action_add"),
    path(f"{risk}/actions/done/", risks.ActionSetDoneView.as_view(), name="action_set_done"),
    # Portal
    path(
        "portal/projects/<int:project_id>/risks/",
        portal.PortalRegisterView.as_view(),
        name="portal_register",
    ),
    *export_paths(
        "portal/projects/<int:project_id>/risks",
        register.PortalRiskCsvView,
        csv_name="portal_export",
        xlsx_name="portal_export_xlsx",
    ),
    path(
        "portal/projects/<int:project_id>/risks/<int:risk_id>/",
        portal.PortalRiskView.as_view(),
        name="portal_risk",
    ),
]
