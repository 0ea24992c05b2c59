"""The files of an item and of its discussion in the API: list and add an item's files, download
one."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from common.api_schema import file_download_response
from common.errors import NotAllowed
from common.parsers import JSONParser
from common.serializers import ModelSerializer
from discussions.models import Attachment
from discussions.permissions import can_post_entry
from discussions.registry import discussable_get
from discussions.selectors import attachment_get_for, item_attachments_for
from discussions.services import attachment_remove, attachments_add
from projects.downloads import stored_file_response


class DiscussionAttachmentInputSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10)


class DiscussionAttachmentSerializer(ModelSerializer):
    name = serializers.CharField(source="original_name")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "media_type", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("api:attachment-download", kwargs={"attachment_id": attachment.pk})


class ItemAttachmentListView(APIView):
    """The files of the item itself (whoever sees the item sees them); posting adds files
    (multipart, `files`)."""

    request: AuthenticatedRequest

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=DiscussionAttachmentSerializer(many=True))
    def get(self, request: AuthenticatedRequest, target: str, object_id: int) -> Response:
        _discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
        files = item_attachments_for(user=request.user, target=obj)
        return Response(DiscussionAttachmentSerializer(files, many=True).data)

    @extend_schema(
        request=DiscussionAttachmentInputSerializer,
        responses=DiscussionAttachmentSerializer(many=True),
    )
    def post(self, request: AuthenticatedRequest, target: str, object_id: int) -> Response:
        _discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
        if not can_post_entry(request.user, obj):
            raise NotAllowed()
        serializer = DiscussionAttachmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        added = attachments_add(
            actor=request.user, target=obj, files=serializer.validated_data["files"]
        )
        return Response(
            DiscussionAttachmentSerializer(added, many=True).data, status=status.HTTP_201_CREATED
        )


class AttachmentDownloadView(APIView):
    """The file of an attachment the caller may see (404 alike for a missing and a hidden one);
    its uploader or the project's PM removes it."""

    request: AuthenticatedRequest

    @extend_schema(responses=file_download_response("The attached file."))
    def get(self, request: AuthenticatedRequest, attachment_id: int) -> FileResponse:
        attachment = attachment_get_for(user=request.user, attachment_id=attachment_id)
        return stored_file_response(
            attachment.file,
            name=attachment.original_name,
            size=attachment.size,
            content_type=attachment.media_type,
        )

    @extend_schema(summary="Remove an attachment", request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, attachment_id: int) -> Response:
        """Its uploader or a PM of the project removes it, with its file (403 for others who
        see it)."""
        attachment = attachment_get_for(user=request.user, attachment_id=attachment_id)
        attachment_remove(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)
