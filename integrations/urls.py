from django.urls import path

from integrations import views, views_imports, views_tokens, views_webhooks

app_name = "integrations"

urlpatterns = [
    path("accounts/tokens/", views_tokens.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/milestones/<int:milestone_id>.ics", views.milestone_ics, name="milestone_ics"),
    path(
        "calendar/deliverables/<int:deliverable_id>.ics",
        views.deliverable_ics,
        name="deliverable_ics",
    ),
    path("calendar/meetings/<int:meeting_id>.ics", views.meeting_ics, name="meeting_ics"),
    path("calendar/action-items/<int:item_id>.ics", views.action_item_ics, name="action_item_ics"),
    path(
        "calendar/projects/<int:project_id>/reports.ics",
        views.report_days_ics,
        name="report_days_ics",
    ),
]

urlpatterns += [
    path("integrations/webhooks/", views_webhooks.webhooks, name="webhooks"),
    path("integrations/webhooks/<int:endpoint_id>/", views_webhooks.webhook, name="webhook"),
    path(
        "integrations/webhooks/<int:endpoint_id>/edit/",
        views_webhooks.webhook_update,
        name="webhook_update",
    ),
    path(
        "integrations/webhooks/<int:endpoint_id>/rotate-secret/",
        views_webhooks.webhook_rotate,
        name="webhook_rotate",
    ),
    path(
        "integrations/webhooks/<int:endpoint_id>/test/",
        views_webhooks.webhook_test,
        name="webhook_test",
    ),
    path(
        "integrations/webhooks/<int:endpoint_id>/enable/",
        views_webhooks.webhook_enable,
        name="webhook_enable",
    ),
    path(
        "integrations/webhooks/<int:endpoint_id>/disable/",
        views_webhooks.webhook_disable,
        name="webhook_disable",
    ),
    path(
        "integrations/webhooks/<int:endpoint_id>/delete/",
        views_webhooks.webhook_delete,
        name="webhook_delete",
    ),
    path(
        "integrations/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend/",
        views_webhooks.webhook_resend,
        name="webhook_resend",
    ),
]

# Imports of milestones, tasks, requirements and risks from a spreadsheet (views_imports.py).
urlpatterns += [
    path("projects/<int:project_id>/import/", views_imports.ImportView.as_view(), name="import"),
    path(
        "projects/<int:project_id>/import/preview/",
        views_imports.ImportPreviewView.as_view(),
        name="import_preview",
    ),
    path(
        "projects/<int:project_id>/import/confirm/",
        views_imports.ImportConfirmView.as_view(),
        name="import_confirm",
    ),
    path(
        "projects/<int:project_id>/import/templates/<slug:kind>.<slug:extension>",
        views_imports.ImportTemplateView.as_view(),
        name="import_template",
    ),
]

# The project archive: a project's download, and a new project from an archive (views_archive.py).
from integrations import views_archive  # noqa: E402

urlpatterns += [
    path(
        "projects/<int:project_id>/archive.json",
        views_archive.ArchiveExportView.as_view(),
        name="archive_export",
    ),
    path(
        "projects/from-archive/",
        views_archive.ArchiveImportView.as_view(),
        name="archive_import",
    ),
]
