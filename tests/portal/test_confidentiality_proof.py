"""The "Show" of the confidentiality suite (tests/confidentiality): how many (endpoint x role)
cases it checks, proof that it can fail (a deliberately unprotected view added here is caught by
both the discovery and the outcome checks), and a client user guessing ids finds nothing, by
page or API, nor changes anything by an API write on a foreign object."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import clear_url_caches, include, path, reverse
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

import config.urls
from discussions.models import Attachment
from feedback.models import FeedbackTicket, TicketAttachment
from projects.models import Document, Project
from risks.models import Risk
from stakeholders.models import ChangeRequest, Requirement
from tests.confidentiality.role_table import (
    API,
    PAGES,
    PORTAL_PROJECT_PAGE,
    ROLES,
    Entry,
    _ticket,
)
from tests.confidentiality.test_role_table import (
    _admin_urls,
    client_for,
    discovered_api_operations,
    discovered_url_names,
    matches,
    outcome_of,
)

pytestmark = pytest.mark.django_db


# --- A deliberately unprotected page and API operation, in a URLconf of this module --------


def leaky_project_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """Shows any project to anyone: no login, no scoped selector, no predicate."""
    project = Project.objects.get(pk=project_id)
    return HttpResponse(f"<h1>{project.name}</h1>")


@api_view(["GET"])
@permission_classes([AllowAny])
def leaky_api(request: Request, project_pk: int) -> Response:
    return Response({"name": Project.objects.get(pk=project_pk).name})


urlpatterns = [
    *config.urls.urlpatterns,
    path("portal/projects/<int:project_id>/leak/", leaky_project_page, name="leak"),
    path(
        "api/v1/",
        include(
            (
                [path("projects/<int:project_pk>/leak/", leaky_api, name="leak")],
                "api_leak",
            ),
        ),
    ),
]


@pytest.fixture
def leaky_urlconf():
    with override_settings(ROOT_URLCONF=__name__):
        clear_url_caches()
        yield
    clear_url_caches()


def test_the_discovery_catches_an_undeclared_page_and_api_operation(leaky_urlconf):
    undeclared_pages = sorted(
        name
        for name in discovered_url_names()
        if name not in PAGES and not name.startswith(("admin:", "api:", "api_leak:"))
    )
    undeclared_operations = sorted(discovered_api_operations() - set(API))

    assert undeclared_pages == ["leak"]
    assert undeclared_operations == [("GET", "/api/v1/projects/{project_pk}/leak/")]


def test_the_outcome_check_catches_the_unprotected_page(full_cast, leaky_urlconf):
    # Declared as what it should be (a portal page of client A's project), it fails for every
    # role that must not get a 200.
    entry = Entry(PORTAL_PROJECT_PAGE, kwargs=lambda cast: {"project_id": cast.project.pk})
    url = reverse("leak", kwargs=entry.kwargs(full_cast))
    failures = {}
    for role_name in ROLES:
        actual = outcome_of(client_for(full_cast, role_name).get(url))
        if not matches(entry.expect[role_name], actual):
            failures[role_name] = actual

    assert failures == {
        "anonymous": 200,
        "other_client_rep": 200,
        "pm": 200,
        "am": 200,
        "teammate": 200,
        "outsider": 200,
        "staff_admin": 200,
    }


def test_the_suite_checks_every_endpoint_for_every_role(capsys):
    pages = len(PAGES)
    operations = len(API)
    admin_pages = len(_admin_urls())
    cases = (pages + operations + admin_pages) * len(ROLES)

    # Every declared outcome names every role: each endpoint is one test of len(ROLES) cases.
    for table in (PAGES, API):
        for key, entry in table.items():
            assert set(entry.expect) == set(ROLES), key
    assert len(ROLES) == 10
    assert pages > 100
    assert operations > 100
    with capsys.disabled():
        print(
            f"\nconfidentiality suite: {pages} pages + {operations} API operations + "
            f"{admin_pages} admin pages = {cases} (endpoint × role) cases"
        )


# --- Guessing ids ---------------------------------------------------------------------------


def _nearby(model: Any, pk: int) -> list[int]:
    """Seven ids around a known one (from 1 up where it is one of the first: SQLite numbers each
    test's rows from 1) and every id the table holds: what a guesser would try."""
    first = max(pk - 3, 1)
    return sorted(set(range(first, first + 7)) | set(model.objects.values_list("pk", flat=True)))


def _guesses(cast: Any) -> list[tuple[str, Any, int, Any]]:
    ticket = _ticket(cast)
    return [
        ("requirement", Requirement, cast.requirement.pk, "portal:requirement"),
        ("change_request", ChangeRequest, cast.change_request.pk, "portal:change_request"),
        ("risk", Risk, cast.risk.pk, "risks:portal_risk"),
        ("ticket", FeedbackTicket, ticket.pk, "feedback:portal_ticket"),
        ("document", Document, cast.document.pk, "portal:document_download"),
    ]


PAGE_ID_KWARG = {
    "portal:requirement": "requirement_id",
    "portal:change_request": "cr_id",
    "risks:portal_risk": "risk_id",
    "feedback:portal_ticket": "ticket_id",
    "portal:document_download": "document_id",
}
API_PATH = {
    "requirement": "requirements",
    "change_request": "change-requests",
    "risk": "risks",
    "ticket": "feedback-tickets",
    "document": "documents",
}


def test_another_client_guessing_ids_finds_nothing(full_cast):
    cast = full_cast
    other = client_for(cast, "other_client_rep")
    found = []
    tried = 0
    for kind, model, known, url_name in _guesses(cast):
        for pk in _nearby(model, known):
            for project in (cast.project, cast.other_project):
                page = reverse(
                    url_name, kwargs={"project_id": project.pk, PAGE_ID_KWARG[url_name]: pk}
                )
                api = f"/api/v1/projects/{project.pk}/{API_PATH[kind]}/{pk}/"
                for url in (page, api):
                    tried += 1
                    if other.get(url).status_code != 404:
                        found.append(url)
    ticket_attachment = TicketAttachment.objects.get(ticket=_ticket(cast))
    for pk in _nearby(Attachment, cast.attachment.pk):
        tried += 2
        for url in (reverse("discussions:attachment", args=[pk]), f"/api/v1/attachments/{pk}/"):
            if other.get(url).status_code != 404:
                found.append(url)
    for pk in _nearby(TicketAttachment, ticket_attachment.pk):
        tried += 1
        url = reverse(
            "feedback:portal_ticket_attachment",
            kwargs={
                "project_id": cast.project.pk,
                "ticket_id": _ticket(cast).pk,
                "attachment_id": pk,
            },
        )
        if other.get(url).status_code != 404:
            found.append(url)

    assert tried > 100
    assert found == []


def test_a_client_guessing_internal_ids_of_their_own_project_finds_nothing(full_cast):
    cast = full_cast
    internal_risk = Risk.objects.get(project=cast.project, visibility="internal")
    rep = client_for(cast, "rep")

    for url in (
        reverse("risks:portal_risk", args=[cast.project.pk, internal_risk.pk]),
        f"/api/v1/projects/{cast.project.pk}/risks/{internal_risk.pk}/",
    ):
        assert rep.get(url).status_code == 404, url
    page = rep.get(reverse("risks:portal_register", args=[cast.project.pk])).content.decode()
    assert internal_risk.title not in page


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "requirements/{requirement}/", {"title": "Hijacked"}),
        ("POST", "requirements/{requirement}/confirm/", {"version": 1}),
        ("POST", "change-requests/{change_request}/approve/", {}),
        ("POST", "change-requests/{change_request}/reject/", {"reason": "No"}),
        ("PATCH", "risks/{risk}/", {"title": "Hijacked"}),
        ("POST", "feedback-tickets/{ticket}/transition/", {"step": "confirm"}),
    ],
)
def test_an_api_write_on_a_foreign_object_is_refused(full_cast, method, path, body):
    cast = full_cast
    ticket = _ticket(cast)
    ids = {
        "requirement": cast.requirement.pk,
        "change_request": cast.change_request.pk,
        "risk": cast.risk.pk,
        "ticket": ticket.pk,
    }
    before = {
        "requirement": Requirement.objects.values().get(pk=cast.requirement.pk),
        "change_request": ChangeRequest.objects.values().get(pk=cast.change_request.pk),
        "risk": Risk.objects.values().get(pk=cast.risk.pk),
        "ticket": FeedbackTicket.objects.values().get(pk=ticket.pk),
    }
    other = client_for(cast, "other_client_rep")

    missing = dict.fromkeys(ids, 2**31 - 1)
    for project in (cast.project, cast.other_project):
        outcomes = []
        for values in (ids, missing):
            url = f"/api/v1/projects/{project.pk}/" + path.format(**values)
            response = other.generic(
                method, url, data=json.dumps(body), content_type="application/json"
            )
            outcomes.append(response.status_code)
        # Refused, and refused exactly as for an id that does not exist: nothing to learn.
        assert outcomes[0] in (403, 404), (project, outcomes)
        assert outcomes[0] == outcomes[1], (project, outcomes)

    assert Requirement.objects.values().get(pk=cast.requirement.pk) == before["requirement"]
    assert ChangeRequest.objects.values().get(pk=cast.change_request.pk) == before["change_request"]
    assert Risk.objects.values().get(pk=cast.risk.pk) == before["risk"]
    assert FeedbackTicket.objects.values().get(pk=ticket.pk) == before["ticket"]
