"""The API answers in JSON whatever fails: a database that cannot be reached is a 503 with
Retry-After (a page too, as HTML), a body over DATA_UPLOAD_MAX_MEMORY_SIZE a 413, malformed JSON
and JSON nested too deep a 400 that names the problem. The outage is real: the database
connection is pointed at a port where nothing listens."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from rest_framework.authtoken.models import Token

from feedback.models import FeedbackTicket
from tests.helpers import logged_in
from tests.notifications.conftest import free_port


def tickets_url(cast) -> str:
    return f"/api/v1/projects/{cast.project.pk}/feedback-tickets/"


@contextmanager
def database_down():
    database = connections["default"]
    port = database.settings_dict["PORT"]
    database.close()
    database.settings_dict["PORT"] = str(free_port())  # nothing listens there
    try:
        yield
    finally:
        database.close()
        database.settings_dict["PORT"] = port


def assert_unavailable_json(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "unavailable"


@pytest.mark.django_db(transaction=True)
def test_the_api_signed_in_by_session_answers_503_json_with_the_database_down(cast):
    client = logged_in(cast.rep)
    client.raise_request_exception = False  # what a real client gets, not the test's re-raise

    with database_down():
        response = client.get(tickets_url(cast))

    assert_unavailable_json(response)
    assert client.get(tickets_url(cast)).status_code == 200  # and back


@pytest.mark.django_db(transaction=True)
def test_the_api_signed_in_by_token_answers_503_json_with_the_database_down(cast):
    token = Token.objects.create(user=cast.rep).key
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", raise_request_exception=False)

    with database_down():
        response = client.post(
            tickets_url(cast),
            {"kind": "complaint", "title": "Labels smudge"},
            content_type="application/json",
        )

    assert_unavailable_json(response)


@pytest.mark.django_db(transaction=True)
def test_a_page_answers_503_html_with_the_database_down(cast):
    client = logged_in(cast.pm)
    client.raise_request_exception = False

    with database_down():
        response = client.get(f"/projects/{cast.project.pk}/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "30"
    assert client.get(f"/projects/{cast.project.pk}/").status_code == 200  # and back


@pytest.mark.django_db
def test_an_api_body_over_the_limit_is_413_json(cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = logged_in(cast.rep).post(
        tickets_url(cast),
        {"kind": "complaint", "title": "Labels smudge", "description": "x" * 2000},
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not FeedbackTicket.objects.exists()


@pytest.mark.django_db
def test_a_multipart_field_over_the_limit_is_413_json(cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    ticket = logged_in(cast.rep).post(
        tickets_url(cast), {"kind": "complaint", "title": "Labels smudge"}
    )
    assert ticket.status_code == 201

    response = logged_in(cast.rep).post(
        f"{tickets_url(cast)}{ticket.json()['id']}/attachments/",
        {"file": SimpleUploadedFile("note.txt", b"small"), "note": "x" * 2000},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_malformed_json_is_a_400_naming_the_problem(cast):
    response = logged_in(cast.rep).post(
        tickets_url(cast), '{"kind": "complaint", "title": ', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.django_db
def test_json_nested_too_deep_is_a_400_not_a_500(cast):
    levels = 100_000
    response = logged_in(cast.rep).post(
        tickets_url(cast), "[" * levels + "]" * levels, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON parse error - the JSON is nested too deeply.",
        "code": "parse_error",
    }
    assert not FeedbackTicket.objects.exists()


def test_a_search_with_a_null_character_is_a_400_with_the_error_body(cast):
    client = logged_in(cast.pm)
    for url in ["/api/v1/lessons/", f"/api/v1/projects/{cast.project.pk}/requirements/"]:
        response = client.get(url, {"search": "bar\x00code"})
        assert response.status_code == 400, url
        assert response.json() == {"code": "invalid", "detail": "Null characters are not allowed."}
