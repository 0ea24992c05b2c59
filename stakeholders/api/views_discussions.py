from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import NotAllowed
from stakeholders.api.serializers_discussions import EntryInputSerializer, EntryOutputSerializer
from stakeholders.discussables import discussable_get
from stakeholders.permissions_discussions import can_post_entry
from stakeholders.selectors_discussions import entry_list_for
from stakeholders.services_discussions import entry_post


class EntryListView(APIView):
    """The discussion of an item (`target` is its type, e.g. projects.deliverable): the entries
    the caller may read (a client: replies only), and posting a new one."""

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
