"""Pages of discussions: an item's thread (its htmx partial and post), the item's files and one
file's download."""

from django.urls import path

from discussions import views

app_name = "discussions"

urlpatterns = [
    path(
        "discussions/<str:target>/<int:object_id>/",
        views.thread,
        name="thread",
    ),
    path(
        "attachments/<str:target>/<int:object_id>/",
        views.attachments_add_view,
        name="attachments",
    ),
    path(
        "attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
