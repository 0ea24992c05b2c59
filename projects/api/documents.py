"""The API for documents: list, upload (a new document or version), download, and the PM's
visibility and delete."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from common.api_schema import file_download_response
from common.errors import InvalidInput, NotFound
from common.parsers import JSONParser
from common.serializers import ModelSerializer
from projects.api.base import ProjectScopedViewSet
from projects.downloads import document_download_response
from projects.models import (
    Document,
    DocumentVersion,
    Visibility,
)
from projects.selectors import (
    deliverable_list_for,
    document_get_for,
    document_list_for,
    document_version_get,
    milestone_list_for,
)
from projects.services.documents import (
    document_delete,
    document_set_visibility,
    document_upload,
)


class DocumentVersionSerializer(ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", read_only=True)

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "original_name",
            "size",
            "content_type",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "note",
            "acceptance_round",
        ]
        read_only_fields = fields


class DocumentSerializer(ModelSerializer):
    versions = DocumentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "milestone",
            "deliverable",
            "visibility",
            "current_version",
            "created_at",
            "versions",
        ]
        read_only_fields = fields


class DocumentUploadInputSerializer(serializers.Serializer):
    """Multipart: a file, and either `document` (a new version of it) or what the new document
    is (title, milestone, deliverable, visibility). Without a visibility, the team's documents
    are internal and the client's client-visible (the client may not ask for internal)."""

    file = serializers.FileField()
    document = serializers.IntegerField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    milestone = serializers.IntegerField(required=False, allow_null=True, default=None)
    deliverable = serializers.IntegerField(required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


DOCUMENT_EXAMPLE = {
    "id": 31,
    "title": "Cut-over plan",
    "milestone": 4,
    "deliverable": None,
    "visibility": "client",
    "current_version": 1,
    "created_at": "2026-03-02T09:00:00Z",
    "versions": [
        {
            "number": 1,
            "original_name": "cut-over.pdf",
            "size": 48213,
            "content_type": "application/pdf",
            "sha256": "e897d38216512cc9373a952ca8912e3a3a4cc2e05d8d0c2560de7afe698a79b8",
            "uploaded_by": "Paula PM",
            "uploaded_at": "2026-03-02T09:00:00Z",
            "note": "",
            "acceptance_round": None,
        }
    ],
}


class DocumentVisibilityInputSerializer(serializers.Serializer):
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        help_text="client: the client sees the document and every version; internal: the "
        "team only.",
    )


class DocumentViewSet(ProjectScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Documents with their versions (internal ones only for the provider side); the team, client
    admins and customer representatives upload documents and new versions (multipart: the
    client's are client-visible, and versions only of their side's documents); download serves
    a version's file. The PM sets what the client sees and deletes."""

    lookup_value_regex = r"\d+"
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    action_permissions = {
        "create": "projects.upload_document",
        "partial_update": "projects.manage_documents",
        "destroy": "projects.manage_documents",
    }

    def get_queryset(self) -> QuerySet[Document]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Document.objects.none()
        return document_list_for(user=self.request.user, project=self.project)

    def get_object(self) -> Document:
        return document_get_for(
            user=self.request.user, project=self.project, document_id=int(self.kwargs["pk"])
        )

    @extend_schema(request=DocumentUploadInputSerializer, responses={201: DocumentSerializer})
    def create(self, request: AuthenticatedRequest, project_pk: str) -> Response:
        data = DocumentUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = None
        if values["document"] is not None:
            document = document_get_for(
                user=request.user, project=self.project, document_id=values["document"]
            )
        version = document_upload(
            actor=request.user,
            project=self.project,
            file=values["file"],
            document=document,
            title=values["title"],
            milestone=self._pick(milestone_list_for, values["milestone"], "milestone"),
            deliverable=self._pick(deliverable_list_for, values["deliverable"], "deliverable"),
            visibility=values["visibility"],
            note=values["note"],
        )
        document = self.get_queryset().get(pk=version.document_id)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    def _pick(self, selector: Any, pk: int | None, field: str) -> Any:
        if pk is None:
            return None
        item = selector(user=self.request.user, project=self.project).filter(pk=pk).first()
        if item is None:
            message = _("Unknown milestone.") if field == "milestone" else _("Unknown deliverable.")
            raise InvalidInput(message, field=field)
        return item

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version", int, description="A version number; the current one by default."
            ),
            OpenApiParameter("inline", bool, description="Display a PDF or an image inline."),
        ],
        responses=file_download_response("The version's file, with its original name."),
    )
    @action(detail=True, methods=["get"])
    def download(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> FileResponse:
        number = None
        if "version" in request.query_params:
            try:
                number = int(request.query_params["version"])
            except ValueError:
                number = 0
            if number < 1:
                raise NotFound()
        version = document_version_get(document=self.get_object(), number=number)
        return document_download_response(
            version, inline=request.query_params.get("inline") in ("1", "true")
        )

    @extend_schema(
        summary="Set what the client sees of a document",
        request=DocumentVisibilityInputSerializer,
        responses=DocumentSerializer,
        examples=[
            OpenApiExample(
                "Share it with the client", value={"visibility": "client"}, request_only=True
            ),
            OpenApiExample(
                "The document, shared",
                value=DOCUMENT_EXAMPLE,
                response_only=True,
            ),
        ],
    )
    def partial_update(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM decides whether the client sees the document (with every version), as on the
        Documents tab: one of an internal milestone or deliverable stays internal (400); one
        the client uploaded, or sent to them for acceptance, stays visible to them (409)."""
        document = self.get_object()
        data = DocumentVisibilityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document_set_visibility(
            actor=request.user, document=document, visibility=data.validated_data["visibility"]
        )
        return Response(DocumentSerializer(self.get_queryset().get(pk=document.pk)).data)

    @extend_schema(summary="Delete a document", request=None, responses={204: None})
    def destroy(self, request: AuthenticatedRequest, project_pk: str, pk: str) -> Response:
        """The PM deletes a document with every version and its files; one sent to the client
        for acceptance is kept as the record (409)."""
        document_delete(actor=request.user, document=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
