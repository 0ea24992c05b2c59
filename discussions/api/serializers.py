"""What the discussion API reads and returns: entries and the files of items and entries."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.reverse import reverse

from discussions.models import Attachment, Entry


class EntryInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)
    kind = serializers.ChoiceField(choices=Entry.Kind.choices, default=Entry.Kind.REPLY)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=10
    )


class DiscussionAttachmentInputSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10)


class DiscussionAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "media_type", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("api:attachment-download", kwargs={"attachment_id": attachment.pk})


class EntryOutputSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name")
    attachments = DiscussionAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Entry
        fields = ["id", "author", "kind", "body", "created_at", "edited_at", "attachments"]
        read_only_fields = fields
