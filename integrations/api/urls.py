"""The integrations API's routes, mounted under /api/v1/ by config.urls."""

from django.urls import path

from integrations.api import tokens

urlpatterns = [
    path("me/tokens/", tokens.AccessTokenListView.as_view(), name="me_tokens"),
    path(
        "me/tokens/<int:token_id>/",
        tokens.AccessTokenDetailView.as_view(),
        name="me_token",
    ),
]

# Imports of milestones, tasks, requirements and risks from a spreadsheet (imports.py).
from integrations.api import imports  # noqa: E402

urlpatterns += [
    path(
        "projects/<int:project_pk>/imports/",
        imports.ProjectImportView.as_view(),
        name="project_imports",
    ),
]
