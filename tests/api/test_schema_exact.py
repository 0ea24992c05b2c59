"""The schema says what the API answers, in the places it once did not: a person's hourly rate
has an empty role, a follow-up still open has no closer, and a deliverable's rounds come as one
bare list, not a page, the open round with an empty decision. Real answers are validated against
the schema (Schemathesis)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from schemathesis.checks import content_type_conformance, response_schema_conformance

from projects.models import Visibility
from projects.services.costs import rate_set
from projects.services.deliverables import (
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.documents import document_upload
from projects.services.milestones import milestone_create
from tests.api.test_schemathesis import _openapi, in_process_wsgi  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(in_process_wsgi):  # noqa: F811
    loaded = schemathesis.openapi.from_dict(_openapi())
    loaded.app = in_process_wsgi
    return loaded


def _soon():
    return timezone.localdate() + timedelta(days=9)


def _schema_of(document: dict, name: str) -> dict:
    return document["components"]["schemas"][name]


def test_the_three_answers_are_declared_as_they_are():
    document = _openapi()
    role = _schema_of(document, "Rate")["properties"]["role"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in role["oneOf"]
    assert _schema_of(document, "FollowUp")["properties"]["closed_by"]["nullable"] is True
    rounds = document["paths"]["/api/v1/projects/{project_pk}/deliverables/{id}/rounds/"]["get"]
    body = rounds["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert {parameter["name"] for parameter in rounds["parameters"]} == {"id", "project_pk"}
    decision = _schema_of(document, "Round")["properties"]["decision"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in decision["oneOf"]


def _call(schema, path: str, user, **path_parameters) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.get_or_create(user=user)[0].key
    operation = schema[path]["GET"]
    case = operation.Case(path_parameters=path_parameters)
    response = case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[content_type_conformance, response_schema_conformance],
    )
    assert response.status_code == 200


def test_a_person_s_rate_answers_as_the_schema_says(schema, cast):
    rate_set(actor=cast.pm, project=cast.project, hourly_rate=Decimal("95"), user=cast.teammate)
    _call(schema, "/api/v1/projects/{project_pk}/rates/", cast.pm, project_pk=cast.project.pk)


def test_a_deliverable_s_rounds_answer_as_the_schema_says(
    schema, cast, django_capture_on_commit_callbacks
):
    milestone = milestone_create(actor=cast.pm, project=cast.project, name="M", due_date=_soon())
    deliverable = deliverable_create(actor=cast.pm, milestone=milestone, name="D", criteria=["x"])
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    with django_capture_on_commit_callbacks(execute=False):
        deliverable_submit(actor=cast.pm, deliverable=deliverable)
    _call(
        schema,
        "/api/v1/projects/{project_pk}/deliverables/{id}/rounds/",
        cast.rep,
        project_pk=cast.project.pk,
        id=deliverable.pk,
    )


def test_every_operation_documents_the_errors_it_may_answer():
    document = _openapi()
    assert set(_schema_of(document, "Error")["required"]) == {"code", "detail"}
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            wanted = {"401", "403", "429"}
            if "{" in path:
                wanted.add("404")
            if method in {"post", "put", "patch", "delete"}:
                wanted |= {"400", "409"}
            lacking = wanted - set(operation["responses"])
            if lacking:
                missing.append(f"{method.upper()} {path}: {sorted(lacking)}")
            assert "Retry-After" in operation["responses"]["429"].get("headers", {}), path
    assert missing == []


def test_an_address_under_the_api_that_names_nothing_answers_the_api_s_404(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_a_download_answers_in_its_own_type_as_the_schema_says(schema, cast):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    version = document_upload(
        actor=cast.pm,
        project=cast.project,
        file=SimpleUploadedFile("plan.png", png),
        visibility=Visibility.CLIENT,
    )
    download = schema["/api/v1/projects/{project_pk}/documents/{id}/download/"]["GET"]
    assert list(download.definition.raw["responses"]["200"]["content"]) == ["*/*"]

    token = Token.objects.get_or_create(user=cast.rep)[0].key
    case = download.Case(path_parameters={"project_pk": cast.project.pk, "id": version.document_id})
    response = case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[content_type_conformance, response_schema_conformance],
    )
    assert response.status_code == 200
    assert response.headers["content-type"][0].startswith("image/png")
    assert response.content == png
