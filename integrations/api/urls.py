"""The integrations API's routes, mounted under /api/v1/ by config.urls."""

from django.urls import path

from integrations.api import tokens, webhooks

urlpatterns = [
    path("me/tokens/", tokens.AccessTokenListView.as_view(), name="me_tokens"),
    path(
        "me/tokens/<int:token_id>/",
        tokens.AccessTokenDetailView.as_view(),
        name="me_token",
    ),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<int:endpoint_id>/", webhooks.WebhookDetailView.as_view(), name="webhook"),
    path(
        "webhooks/<int:endpoint_id>/rotate-secret/",
        webhooks.WebhookRotateView.as_view(),
        name="webhook_rotate",
    ),
    path(
        "webhooks/<int:endpoint_id>/test/", webhooks.WebhookTestView.as_view(), name="webhook_test"
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/",
        webhooks.WebhookDeliveryListView.as_view(),
        name="webhook_deliveries",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend/",
        webhooks.WebhookResendView.as_view(),
        name="webhook_resend",
    ),
    path("webhook-events/", webhooks.EventTypeListView.as_view(), name="webhook_events"),
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

# The project archive: a project's download, and a new project from an archive (archive.py).
from integrations.api import archive  # noqa: E402

urlpatterns += [
    path(
        "projects/<int:project_pk>/archive/",
        archive.ProjectArchiveView.as_view(),
        name="project_archive",
    ),
    path(
        "project-archives/",
        archive.ProjectArchiveImportView.as_view(),
        name="project_archives",
    ),
]
