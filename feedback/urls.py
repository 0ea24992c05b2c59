from django.urls import path
from django.utils.translation import gettext_lazy as _

from feedback.surveys.urls import urlpatterns as survey_urlpatterns
from feedback.tickets.urls import urlpatterns as ticket_urlpatterns
from feedback.views import SatisfactionDashboardView
from projects.views import ProjectPlaceholderView

app_name = "feedback"

urlpatterns = [
    path("satisfaction/", SatisfactionDashboardView.as_view(), name="dashboard"),
    path(
        "projects/<int:project_id>/feedback/",
        ProjectPlaceholderView.as_view(tab="feedback", title=_("Feedback and complaints")),
        name="project_feedback",
    ),
    *survey_urlpatterns,
    *ticket_urlpatterns,
]
