"""Survey API routes, included in /api/v1/ by config/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from feedback.surveys import api

router = SimpleRouter()
router.register(r"survey-templates", api.SurveyTemplateViewSet, basename="survey-template")
router.register(
    r"projects/(?P<project_pk>\d+)/survey-campaigns",
    api.CampaignViewSet,
    basename="survey-campaign",
)
router.register(
    r"projects/(?P<project_pk>\d+)/survey-automations",
    api.AutomationViewSet,
    basename="survey-automation",
)
router.register(r"survey-responses", api.SurveyResponseViewSet, basename="survey-response")
router.register(r"survey-follow-ups", api.FollowUpViewSet, basename="survey-follow-up")
router.register(r"my-surveys", api.MySurveyViewSet, basename="my-survey")

urlpatterns = [
    path("satisfaction/", api.SatisfactionFiguresView.as_view(), name="satisfaction-figures"),
    *router.urls,
]
