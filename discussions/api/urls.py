"""The discussion API's routes (under /api/v1/, namespace "api")."""

from django.urls import path

from discussions.api import attachments, entries

urlpatterns = [
    path(
        "discussions/<str:target>/<int:object_id>/entries/",
        entries.EntryListView.as_view(),
        name="discussion-entries",
    ),
    path(
        "discussions/<str:target>/<int:object_id>/attachments/",
        attachments.ItemAttachmentListView.as_view(),
        name="discussion-attachments",
    ),
    path(
        "attachments/<int:attachment_id>/",
        attachments.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
