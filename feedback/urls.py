from django.urls import path

from feedback.surveys.urls import urlpatterns as survey_urlpatterns
from feedback.tickets.urls import urlpatterns as ticket_urlpatterns
from feedback.views import SatisfactionDashboardView

app_name = "feedback"

urlpatterns = [
    path("satisfaction/", SatisfactionDashboardView.as_view(), name="dashboard"),
    *survey_urlpatterns,
    *ticket_urlpatterns,
]
