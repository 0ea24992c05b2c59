from django.urls import path

from scorecards import views

app_name = "scorecards"

person = "scorecards/people/<int:person_id>/<str:role>"

urlpatterns = [
    path("scorecards/", views.ScorecardIndexView.as_view(), name="index"),
    path("scorecards/team/", views.TeamView.as_view(), name="team"),
    path(f"{person}/", views.ScorecardView.as_view(), name="scorecard"),
    path(f"{person}/<str:group>/<str:period>/", views.ItemsView.as_view(), name="items"),
]
