"""An account manager's clients (mounted at the site's root, outside /projects/)."""

from django.urls import path

from common.exports import export_paths
from projects.views.clients import (
    ClientDetailView,
    ClientListExportView,
    ClientListView,
    ClientProjectsExportView,
)

app_name = "clients"

urlpatterns = [
    path("clients/", ClientListView.as_view(), name="list"),
    *export_paths("clients", ClientListExportView, csv_name="list_csv", xlsx_name="list_xlsx"),
    path("clients/<int:organization_id>/", ClientDetailView.as_view(), name="detail"),
    *export_paths(
        "clients/<int:organization_id>/projects",
        ClientProjectsExportView,
        csv_name="projects_csv",
        xlsx_name="projects_xlsx",
    ),
]
