"""An account manager's clients (mounted at the site's root, outside /projects/)."""

from django.urls import path

from projects.views.clients import ClientDetailView, ClientListView

app_name = "clients"

urlpatterns = [
    path("clients/", ClientListView.as_view(), name="list"),
    path("clients/<int:organization_id>/", ClientDetailView.as_view(), name="detail"),
]
