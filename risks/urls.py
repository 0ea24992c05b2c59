from django.urls import path

from risks import views

app_name = "risks"

urlpatterns = [
    # Staff
    path("projects/<int:project_id>/risks/", views.RegisterView.as_view(), name="register"),
    path("projects/<int:project_id>/risks.csv", views.RiskCsvView.as_view(), name="export"),
    path(
        "projects/<int:project_id>/risks/settings/",
        views.RiskSettingsView.as_view(),
        name="settings",
    ),
    path(
        "projects/<int:project_id>/risks/<int:risk_id>/",
        views.RiskDetailView.as_view(),
        name="risk",
    ),
    # Portal
    path(
        "portal/projects/<int:project_id>/risks/",
        views.PortalRegisterView.as_view(),
        name="portal_register",
    ),
    path(
        "portal/projects/<int:project_id>/risks.csv",
        views.PortalRiskCsvView.as_view(),
        name="portal_export",
    ),
    path(
        "portal/projects/<int:project_id>/risks/<int:risk_id>/",
        views.PortalRiskView.as_view(),
        name="portal_risk",
    ),
]
