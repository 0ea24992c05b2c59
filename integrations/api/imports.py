"""The import of a project's milestones, tasks, requirements or risks from a spreadsheet in the
API (POST /api/v1/projects/{project_pk}/imports/): the same check and the same all-or-nothing
import as the page (integrations.imports), for the project's PM."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from common.parsers import JSONParser
from integrations.import_reading import MAX_BYTES, MAX_ROWS
from integrations.imports import KINDS, ImportReport, import_file
from projects.selectors.core import project_get_for


class ImportInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS), help_text="What the file holds.")
    file = serializers.FileField(
        help_text=f"CSV (UTF-8 or GB18030, comma or semicolon) or Excel .xlsx; at most "
        f"{MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS} rows under the header row. The columns "
        "of each kind are in the templates linked from the project's import page."
    )
    dry_run = serializers.BooleanField(
        default=True, help_text="Only check (the default): nothing is written."
    )


class ImportErrorSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The column's key; empty for the row as a whole.")
    header = serializers.CharField(help_text="The column's header as in the file.")
    message = serializers.CharField(help_text="In the language of the person who calls.")


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in the file (the header is 1).")
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="The cells, by column key."
    )
    # A field named "errors", as the serializer's own attribute is.
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]
    id = serializers.IntegerField(allow_null=True, help_text="The created item's id, once written.")


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text="Whether the rows were written (all of them).")
    row_count = serializers.IntegerField()
    error_count = serializers.IntegerField()
    rows = ImportRowSerializer(many=True)


def report_body(report: ImportReport, *, dry_run: bool) -> dict[str, Any]:
    return {
        "kind": report.kind.key,
        "dry_run": dry_run,
        "written": report.written,
        "row_count": len(report.rows),
        "error_count": report.error_count,
        "rows": [
            {
                "row": row.number,
                "values": {
                    key: cell for key, cell in zip(report.keys, row.cells, strict=True) if key
                },
                "errors": [
                    {"column": error.column, "header": error.header, "message": error.message}
                    for error in row.errors
                ],
                "id": row.created_id,
            }
            for row in report.rows
        ],
    }


EXAMPLE_FAILED = {
    "kind": "tasks",
    "dry_run": False,
    "written": False,
    "row_count": 2,
    "error_count": 1,
    "rows": [
        {
            "row": 2,
            "values": {"name": "Design review", "due_date": "2027-03-31"},
            "errors": [],
            "id": None,
        },
        {
            "row": 3,
            "values": {"name": "Pilot", "due_date": "31/03/2027"},
            "errors": [
                {
                    "column": "due_date",
                    "header": "due_date",
                    "message": "Enter a date as YYYY-MM-DD, such as 2027-03-31.",
                }
            ],
            "id": None,
        },
    ],
}


class ProjectImportView(APIView):
    request: AuthenticatedRequest
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="projects_imports_create",
        request={"multipart/form-data": ImportInputSerializer},
        responses={
            200: OpenApiResponse(ImportReportSerializer, description="Dry run: every row."),
            201: OpenApiResponse(
                ImportReportSerializer, description="Every row written, with its id."
            ),
            400: OpenApiResponse(
                response={
                    "anyOf": [
                        {"$ref": "#/components/schemas/ImportReport"},
                        {"$ref": "#/components/schemas/Invalid"},
                    ]
                },
                description="A row failed (the report, every row with its errors) or the file "
                "or the fields are wrong (`Invalid`, on `file` or `kind`). Nothing was written.",
                examples=[OpenApiExample("A row with a bad date", value=EXAMPLE_FAILED)],
            ),
        },
        description="The project's PM imports milestones, tasks, requirements or risks from a "
        "CSV or Excel file, through the same rules as the pages. With `dry_run` (the default) "
        "the rows are only checked; without, they are all written in one transaction, or none "
        "if any fails.",
    )
    def post(self, request: AuthenticatedRequest, project_pk: int) -> Response:
        project = project_get_for(user=request.user, project_id=int(project_pk))
        if not request.user.has_perm("projects.edit_plan", project):
            raise PermissionDenied()
        serializer = ImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        report = import_file(
            actor=request.user,
            project=project,
            kind=data["kind"],
            content=upload.read(MAX_BYTES + 1),
            filename=upload.name or "",
            dry_run=data["dry_run"],
        )
        body = report_body(report, dry_run=data["dry_run"])
        if data["dry_run"]:
            return Response(body, status=200)
        return Response(body, status=201 if report.written else 400)
