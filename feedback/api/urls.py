"""The feedback app's API routes, mounted under /api/v1/ by config.urls."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from feedback.api import account, campaigns, responses, satisfaction, survey_templates, tickets

router = SimpleRouter()
project = r"projects/(?P<project_pk>\d+)"
client_account = r"accounts/(?P<organization_pk>\d+)"
router.register(
    "survey-templates", survey_templates.SurveyTemplateViewSet, basename="survey-template"
)
router.register(
    f"{project}/survey-campaigns", campaigns.CampaignViewSet, basename="survey-campaign"
)
router.register(
    f"{project}/survey-automations", campaigns.AutomationViewSet, basename="survey-automation"
)
router.register("survey-responses", responses.SurveyResponseViewSet, basename="survey-response")
router.register("survey-follow-ups", responses.FollowUpViewSet, basename="survey-follow-up")
router.register("my-surveys", responses.MySurveyViewSet, basename="my-survey")
router.register(
    f"{project}/feedback-tickets", tickets.FeedbackTicketViewSet, basename="feedback-ticket"
)
router.register(
    f"{client_account}/interactions", account.InteractionViewSet, basename="interaction"
)
router.register(
    f"{client_account}/opportunities", account.OpportunityViewSet, basename="opportunity"
)

urlpatterns = [
    path(
        "satisfaction/",
        satisfaction.SatisfactionFiguresView.as_view(),
        name="satisfaction-figures",
    ),
    *router.urls,
]
