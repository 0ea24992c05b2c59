"""Survey pages, in the `feedback:` namespace (included by feedback/urls.py at the site root)."""

from django.urls import URLPattern, path

from feedback.surveys import views
from feedback.views import SatisfactionCsvView

urlpatterns: list[URLPattern] = [
    path("satisfaction/export.csv", SatisfactionCsvView.as_view(), name="dashboard_csv"),
    path("satisfaction/templates/", views.TemplateListView.as_view(), name="survey_templates"),
    path(
        "satisfaction/templates/<int:template_id>/",
        views.TemplateDetailView.as_view(),
        name="survey_template",
    ),
    path(
        "satisfaction/responses/<int:response_id>/",
        views.ResponseDetailView.as_view(),
        name="survey_response",
    ),
    path(
        "satisfaction/follow-ups/<int:follow_up_id>/",
        views.FollowUpView.as_view(),
        name="follow_up",
    ),
    path(
        "projects/<int:project_id>/surveys/",
        views.ProjectSurveysView.as_view(),
        name="project_surveys",
    ),
    path(
        "projects/<int:project_id>/surveys/responses/",
        views.ProjectResponsesView.as_view(),
        name="project_responses",
    ),
    path(
        "projects/<int:project_id>/surveys/<int:campaign_id>/",
        views.CampaignDetailView.as_view(),
        name="campaign",
    ),
    path("surveys/<str:token>/", views.SurveyAnswerView.as_view(), name="survey_answer"),
    path(
        "surveys/<str:token>/unsubscribe/",
        views.SurveyUnsubscribeView.as_view(),
        name="survey_unsubscribe",
    ),
    path("portal/surveys/", views.PortalSurveysView.as_view(), name="portal_surveys"),
]
