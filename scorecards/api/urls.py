"""The scorecards API routes, mounted under /api/v1/ by config.urls."""

from django.urls import path

from scorecards.api import views

person = "scorecards/<int:person_id>/<str:role>"

urlpatterns = [
    path("scorecards/", views.ScorecardListView.as_view(), name="scorecards"),
    path("scorecards/team/", views.TeamView.as_view(), name="scorecard-team"),
    path(f"{person}/", views.ScorecardView.as_view(), name="scorecard"),
    path(
        f"{person}/<str:group>/<str:period>/",
        views.ScorecardItemsView.as_view(),
        name="scorecard-items",
    ),
]
