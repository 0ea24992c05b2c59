from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects.views import ProjectPlaceholderView

app_name = "reports"

urlpatterns = [
    path(
        "projects/<int:project_id>/reports/",
        ProjectPlaceholderView.as_view(tab="reports", title=_("Status reports")),
        name="project_reports",
    ),
]
