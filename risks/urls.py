from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects.views import ProjectPlaceholderView

app_name = "risks"

urlpatterns = [
    path(
        "projects/<int:project_id>/risks/",
        ProjectPlaceholderView.as_view(tab="risks", title=_("Risk register")),
        name="register",
    ),
]
