from django.urls import path

from integrations import views, views_tokens

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

# Imports of milestones, tasks, requirements and risks from a spreadsheet (views_imports.py).
from integrations import views_imports  # noqa: E402

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
