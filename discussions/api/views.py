"""The discussion API: an item's entries and files, and the download of one file."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import NotAllowed
from discussions.api.serializers import (
    DiscussionAttachmentInputSerializer,
    DiscussionAttachmentSerializer,
    EntryInputSerializer,
    EntryOutputSerializer,
)
from discussions.permissions import can_post_entry
from discussions.registry import discussable_get
from discussions.selectors import (
    attachment_get_for,
    entry_list_for,
    item_attachments_for,
)
from discussions.services import attachments_add, entry_post
from projects.downloads import stored_file_response


class EntryListView(APIView):
    """The discussion of an item (`target` is its type, e.g. projects.deliverable): the entries
    the caller may read (a client: replies only), and posting a new one (JSON, or multipart with
    `files`)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=EntryOutputSerializer(many=True))
    def get(self, request: Request, target: str, object_id: int) -> Response:
        _discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
        entries = entry_list_for(user=request.user, target=obj)
        return Response(EntryOutputSerializer(entries, many=True).data)

    @extend_schema(request=EntryInputSerializer, responses=EntryOutputSerializer)
    def post(self, request: Request, target: str, object_id: int) -> Response:
        _discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
        if not can_post_entry(request.user, obj):
            raise NotAllowed()
        serializer = EntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = entry_post(actor=request.user, target=obj, **serializer.validated_data)
        return Response(EntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class ItemAttachmentListView(APIView):
    """The files of the item itself (whoever sees the item sees them); posting adds files
    (multipart, `files`)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=DiscussionAttachmentSerializer(many=True))
    def get(self, request: Request, target: str, object_id: int) -> Response:
        _discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
        files = item_attachments_for(user=request.user, target=obj)
        return Response(DiscussionAttachmentSerializer(files, many=True).data)

    @extend_schema(
        request=DiscussionAttachmentInputSerializer,
        responses=DiscussionAttachmentSerializer(many=True),
    )
    def post(self, request: Request, target: str, object_id: int) -> Response:
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
    """The file of an attachment the caller may see (404 alike for a missing and a hidden one)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, attachment_id: int) -> FileResponse:
        attachment = attachment_get_for(user=request.user, attachment_id=attachment_id)
        return stored_file_response(
            attachment.file,
            name=attachment.original_name,
            size=attachment.size,
            content_type=attachment.media_type,
        )
