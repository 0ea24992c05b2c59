from django.urls import path

from common.exports import export_paths
from scorecards import views

app_name = "scorecards"

person = "scorecards/people/<int:person_id>/<str:role>"

urlpatterns = [
    path("scorecards/", views.ScorecardIndexView.as_view(), name="index"),
    path("scorecards/team/", views.TeamView.as_view(), name="team"),
    *export_paths(
        "scorecards/team", views.TeamExportView, csv_name="team_csv", xlsx_name="team_xlsx"
    ),
    path(f"{person}/", views.ScorecardView.as_view(), name="scorecard"),
    path(f"{person}/<str:group>/<str:period>/", views.ItemsView.as_view(), name="items"),
]
