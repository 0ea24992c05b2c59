from django.urls import path
from django.utils.translation import gettext_lazy as _

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("<int:project_id>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<int:project_id>/members/", views.ProjectMembersView.as_view(), name="members"),
    path(
        "<int:project_id>/plan/",
        views.ProjectPlaceholderView.as_view(tab="plan", title=_("Plan and timeline")),
        name="plan",
    ),
]
