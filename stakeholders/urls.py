from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects.views import ProjectPlaceholderView

app_name = "stakeholders"

urlpatterns = [
    path(
        "projects/<int:project_id>/requirements/",
        ProjectPlaceholderView.as_view(tab="requirements", title=_("Requirements and changes")),
        name="requirements",
    ),
]
