"""The project archive in the API: GET /api/v1/projects/{project_pk}/archive/ (the project's PM,
staff admins) and POST /api/v1/project-archives/ (a new project from an archive: checked, and
unless a dry run, created in one transaction or not at all). See integrations.archive."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from common.parsers import JSONParser
from integrations.archive import FORMAT, MAX_BYTES, VERSION, export_archive
from integrations.archive_import import ArchiveReport, client_get, import_archive
from integrations.permissions import can_export_archive, can_import_archive
from projects.selectors.core import project_get_for

EXAMPLE_ARCHIVE = {
    "format": FORMAT,
    "version": VERSION,
    "exported_at": "2027-01-04T09:30:00+00:00",
    "files_included": False,
    "project": {
        "name": "Warehouse system",
        "code": "NW-WMS",
        "start_date": "2027-01-04",
        "end": 86,
        "budget": "120000.00",
        "phase": "execution",
        "client": "Northwind",
    },
    "plan": {
        "version": 1,
        "parts": {
            "milestones": [
                {"key": "m1", "name": "Design", "due": 25, "status": "planned", "deliverables": []}
            ]
        },
    },
    "members": [{"email": "pm@provider.example", "role": "pm"}],
    "stakeholders": [],
    "raci": [],
    "communication_plan": [],
    "requirements": [],
    "risks": [],
    "change_requests": [],
    "documents": [],
}


class ArchiveImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"A project archive (JSON, format `{FORMAT}`, version {VERSION} or older) of at "
        f"most {MAX_BYTES // (1024 * 1024)} MB."
    )
    client = serializers.IntegerField(help_text="The new project's client organisation.")
    code = serializers.SlugField(max_length=32, help_text="The new project's code (unique).")
    name = serializers.CharField(
        max_length=200, required=False, default="", help_text="Empty: the archived name."
    )
    start_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Every date moves with it."
    )
    dry_run = serializers.BooleanField(
        default=True, help_text="Only check (the default): nothing is written."
    )


class ArchiveReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text="Whether the project was created.")
    project = serializers.IntegerField(allow_null=True, help_text="The new project's id.")
    archived_project = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="The archived project: name, code, client, exported_at.",
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="What the project gets, by kind."
    )
    problems = serializers.ListField(
        child=serializers.CharField(),
        help_text="Any one stops the import, in the caller's language.",
    )
    people_left_out = serializers.ListField(
        child=serializers.CharField(), help_text="People unknown here or of another client."
    )


def report_body(report: ArchiveReport, *, dry_run: bool) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "written": report.written,
        "project": report.project.pk if report.project is not None else None,
        "archived_project": report.source,
        "counts": {str(label): count for label, count in report.counts},
        "problems": report.problems,
        "people_left_out": report.people_left_out,
    }


class ProjectArchiveView(APIView):
    request: AuthenticatedRequest

    @extend_schema(
        operation_id="projects_archive_retrieve",
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The archive: the project and everything it holds, references as "
                "keys of the archive, dates as days from the start, documents as metadata only.",
                examples=[OpenApiExample("An archive", value=EXAMPLE_ARCHIVE)],
            ),
        },
        description="The project's PM or a staff admin downloads the project's archive, for "
        "hand-over or backup (a closed project too). It holds internal items: client people "
        "never get it.",
    )
    def get(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = project_get_for(user=request.user, project_id=int(project_pk))
        if not can_export_archive(request.user, project):
            raise PermissionDenied()
        return Response(export_archive(actor=request.user, project=project))


class ProjectArchiveImportView(APIView):
    request: AuthenticatedRequest
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="project_archives_create",
        request={"multipart/form-data": ArchiveImportInputSerializer},
        responses={
            200: OpenApiResponse(ArchiveReportSerializer, description="Dry run: the report."),
            201: OpenApiResponse(ArchiveReportSerializer, description="The project was created."),
            400: OpenApiResponse(
                response={
                    "anyOf": [
                        {"$ref": "#/components/schemas/ArchiveReport"},
                        {"$ref": "#/components/schemas/Invalid"},
                    ]
                },
                description="A problem (the report) or a file that is not an archive of a known "
                "version (`Invalid`, on `file`). Nothing was written.",
                examples=[
                    OpenApiExample(
                        "A code in use",
                        value={
                            "dry_run": False,
                            "written": False,
                            "project": None,
                            "archived_project": {"name": "Warehouse system", "code": "NW-WMS"},
                            "counts": {"Milestones": 4},
                            "problems": ["The code NW-WMS is already used by another project."],
                            "people_left_out": [],
                        },
                    )
                ],
            ),
        },
        description="Whoever may start a project starts a new one from an archive, and becomes "
        "its PM. With `dry_run` (the default) the archive is only checked; without, the project "
        "and everything it holds are created in one transaction, or nothing if anything fails.",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if not can_import_archive(request.user):
            raise PermissionDenied()
        serializer = ArchiveImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = import_archive(
            actor=request.user,
            content=data["file"].read(MAX_BYTES + 1),
            client=client_get(data["client"]),
            code=data["code"],
            name=data["name"],
            start_date=data["start_date"],
            dry_run=data["dry_run"],
        )
        body = report_body(report, dry_run=data["dry_run"])
        if not report.is_valid:
            return Response(body, status=400)
        return Response(body, status=201 if report.written else 200)
