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
