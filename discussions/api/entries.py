"""An item's discussion in the API (/api/v1/discussions/<model label>/<id>/entries/): the entries
the caller may read, and posting a new one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from common.errors import NotAllowed
from common.parsers import JSONParser
from common.serializers import ModelSerializer
from discussions.api.attachments import DiscussionAttachmentSerializer
from discussions.models import Entry
from discussions.permissions import can_post_entry
from discussions.registry import discussable_get
from discussions.selectors import entry_list_for
from discussions.services import entry_post


class EntryInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)
    kind = serializers.ChoiceField(choices=Entry.Kind.choices, default=Entry.Kind.REPLY)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=10
    )


class EntryOutputSerializer(ModelSerializer):
    author = serializers.CharField(source="author.display_name")
    attachments = DiscussionAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Entry
        fields = ["id", "author", "kind", "body", "created_at", "edited_at", "attachments"]
        read_only_fields = fields


class EntryListView(APIView):
    """The discussion of an item (`target` is its type, e.g. projects.deliverable): the entries
    the caller may read (a client: replies only), and posting a new one (JSON, or multipart with
    `files`)."""

    request: AuthenticatedRequest

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=EntryOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest, target: str, object_id: int) -> Response:
        _discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
        entries = entry_list_for(user=request.user, target=obj)
        return Response(EntryOutputSerializer(entries, many=True).data)

    @extend_schema(request=EntryInputSerializer, responses=EntryOutputSerializer)
    def post(self, request: AuthenticatedRequest, target: str, object_id: int) -> Response:
        _discussable, obj = discussable_get(user=request.user, key=target, object_id=object_id)
        if not can_post_entry(request.user, obj):
            raise NotAllowed()
        serializer = EntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = entry_post(actor=request.user, target=obj, **serializer.validated_data)
        return Response(EntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED)
