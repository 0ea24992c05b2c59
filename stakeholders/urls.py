from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects.views import ProjectPlaceholderView
from stakeholders import views_discussions as views

app_name = "stakeholders"

urlpatterns = [
    path(
        "discussions/<str:target>/<int:object_id>/",
        views.thread,
        name="thread",
    ),
    path(
        "projects/<int:project_id>/requirements/",
        ProjectPlaceholderView.as_view(tab="requirements", title=_("Requirements and changes")),
        name="requirements",
    ),
]
