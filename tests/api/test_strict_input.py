"""The API refuses input it does not know instead of ignoring it: a query parameter or a body
property the operation's schema does not declare is a 400 naming it, and nothing changes. A
caller without credentials still gets 401 first. The schema says the same: every request body
declares `additionalProperties: false`."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from rest_framework.authtoken.models import Token

from projects.models import Visibility
from stakeholders.models import Requirement
from stakeholders.services.requirements import requirement_create
from tests.api.test_schemathesis import _openapi
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

UNKNOWN_PARAMETER = ["This query parameter is not known here."]
UNKNOWN_FIELD = ["This field is not known here."]


@pytest.fixture
def requirement(cast):
    return requirement_create(
        actor=cast.pm, project=cast.project, title="Scan barcodes", visibility=Visibility.CLIENT
    )


def test_a_misspelt_filter_is_refused_by_name(cast, requirement):
    client = logged_in(cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/requirements/"
    assert client.get(url, {"page_size": 5, "search": "barcodes"}).status_code == 200

    response = client.get(url, {"page_sise": 5, "serch": "barcodes"})

    assert response.status_code == 400
    assert response.json() == {
        "page_sise": UNKNOWN_PARAMETER,
        "serch": UNKNOWN_PARAMETER,
        "code": "unknown_input",
    }


def test_an_unknown_property_changes_nothing(cast, requirement):
    client = logged_in(cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/requirements/{requirement.pk}/"

    response = client.patch(
        url, {"title": "Scan QR codes", "titel": "typo"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"titel": UNKNOWN_FIELD, "code": "unknown_input"}
    requirement.refresh_from_db()
    assert requirement.title == "Scan barcodes"
    assert requirement.revision == Requirement.objects.get(pk=requirement.pk).revision

    saved = client.patch(url, {"title": "Scan QR codes"}, content_type="application/json")
    assert saved.status_code == 200
    requirement.refresh_from_db()
    assert requirement.title == "Scan QR codes"


def test_an_unknown_form_field_is_refused_too(cast):
    client = logged_in(cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/milestones/"
    before = cast.project.milestones.count()

    response = client.post(
        url,
        urlencode({"name": "Pilot", "due_date": "2030-06-30", "colour": "red"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert response.json() == {"colour": UNKNOWN_FIELD, "code": "unknown_input"}
    assert cast.project.milestones.count() == before


def test_a_token_caller_is_answered_the_same(cast, requirement, client):
    token = Token.objects.get_or_create(user=cast.rep)[0].key
    response = client.get(
        f"/api/v1/projects/{cast.project.pk}/requirements/",
        {"ordering": "title", "sort": "title"},
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 400
    assert response.json() == {"sort": UNKNOWN_PARAMETER, "code": "unknown_input"}


def test_without_credentials_the_answer_is_401_whatever_the_input(cast, client):
    response = client.get(f"/api/v1/projects/{cast.project.pk}/requirements/", {"serch": "x"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    wrong = client.get(
        f"/api/v1/projects/{cast.project.pk}/requirements/",
        {"serch": "x"},
        HTTP_AUTHORIZATION="Token not-a-token",
    )
    assert wrong.status_code == 401


def test_a_body_that_is_not_an_object_is_left_to_the_view(cast):
    client = logged_in(cast.pm)
    response = client.post(
        f"/api/v1/projects/{cast.project.pk}/milestones/", "[1, 2]", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_every_request_body_takes_only_what_it_declares():
    document = _openapi()
    schemas = document["components"]["schemas"]
    open_bodies = []
    bodies = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for content_type, media in operation.get("requestBody", {}).get("content", {}).items():
                schema = media["schema"]
                if "$ref" in schema:
                    schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
                if schema.get("type") != "object":
                    continue
                bodies += 1
                if schema.get("additionalProperties") is not False:
                    open_bodies.append(f"{method.upper()} {path} ({content_type})")
    assert bodies > 100
    assert open_bodies == []
