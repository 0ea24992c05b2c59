"""The API is scoped by the permission layer for every role."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import api_token_regenerate
from projects.models import Role
from tests.conftest import ROLE_NAMES
from tests.factories import OrganizationFactory, ProjectFactory, UserFactory, add_member
from tests.helpers import count_queries


def api_as(user) -> APIClient:
    """A session login: every request loads the user afresh, as in production."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


EXPECTED_PROJECT_CODES = {
    "pm": {"a-one"},
    "am": {"a-one"},
    "teammate": {"a-one"},
    "client_admin": {"a-one"},
    "rep": {"a-one"},
    "viewer": {"a-one"},
    "other_client_rep": {"b-one"},
    "outsider": set(),
    "staff_admin": {"a-one", "b-one"},
}


@pytest.mark.parametrize("role_name", [r for r in ROLE_NAMES if r != "anonymous"])
def test_project_list_is_scoped_for_every_role(cast, role_name):
    response = api_as(cast.by_name(role_name)).get("/api/v1/projects/")
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert codes == EXPECTED_PROJECT_CODES[role_name]
    assert response.json()["count"] == len(EXPECTED_PROJECT_CODES[role_name])


def test_client_user_gets_404_for_another_clients_project_like_a_missing_one(cast):
    client = api_as(cast.other_client_rep)
    forbidden = client.get(f"/api/v1/projects/{cast.project.pk}/")
    missing = client.get("/api/v1/projects/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json() == {"code": "not_found", "detail": "Not found."}
    members = client.get(f"/api/v1/projects/{cast.project.pk}/members/")
    assert members.status_code == 404


def test_members_of_a_project_for_its_client(cast):
    response = api_as(cast.rep).get(f"/api/v1/projects/{cast.project.pk}/members/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {(row["user"]["email"], row["role"]) for row in rows} == {
        ("pm@provider.test", Role.PM),
        ("am@provider.test", Role.AM),
        ("team@provider.test", Role.TEAM_MEMBER),
        ("admin@a.test", Role.CLIENT_ADMIN),
        ("rep@a.test", Role.CUSTOMER_REP),
        ("viewer@a.test", Role.CLIENT_VIEWER),
    }
    assert "b.test" not in response.content.decode()


EXPECTED_ORGANIZATIONS = {
    "pm": {"Provider Ltd", "Client A"},
    "am": {"Provider Ltd", "Client A"},
    "teammate": {"Provider Ltd", "Client A"},
    "client_admin": {"Client A"},
    "rep": {"Client A"},
    "viewer": {"Client A"},
    "other_client_rep": {"Client B"},
    "outsider": {"Provider Ltd"},
    "staff_admin": {"Provider Ltd", "Client A", "Client B"},
}


@pytest.mark.parametrize("role_name", [r for r in ROLE_NAMES if r != "anonymous"])
def test_organization_list_is_scoped_for_every_role(cast, role_name):
    response = api_as(cast.by_name(role_name)).get("/api/v1/organizations/")
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert names == EXPECTED_ORGANIZATIONS[role_name]


def test_search_and_filters_stay_scoped(cast):
    client = api_as(cast.other_client_rep)
    assert client.get("/api/v1/projects/", {"search": "A One"}).json()["count"] == 0
    by_client = client.get("/api/v1/projects/", {"client": cast.project.client_id}).json()
    assert by_client["count"] == 0


def test_me_returns_the_signed_in_user(cast):
    response = api_as(cast.rep).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == {
        "id": cast.rep.pk,
        "email": "rep@a.test",
        "display_name": "Rory Rep",
        "language": "en",
        "time_zone": "UTC",
        "organization": {"id": cast.rep.organization_id, "name": "Client A", "kind": "client"},
        "is_client_user": True,
        "is_staff_admin": False,
    }


def test_me_update_validates_and_changes_nothing_on_bad_input(cast):
    client = api_as(cast.rep)
    bad = client.patch(
        "/api/v1/me/", {"time_zone": "Mars/Olympus", "language": "fr"}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()) >= {"language"}
    bad_zone = client.patch("/api/v1/me/", {"time_zone": "Mars/Olympus"}, format="json")
    assert bad_zone.status_code == 400
    assert "time_zone" in bad_zone.json()
    cast.rep.refresh_from_db()
    assert (cast.rep.language, cast.rep.time_zone) == ("en", "UTC")
    good = client.patch(
        "/api/v1/me/", {"language": "zh-hans", "time_zone": "Asia/Shanghai"}, format="json"
    )
    assert good.status_code == 200
    cast.rep.refresh_from_db()
    assert (cast.rep.language, cast.rep.time_zone) == ("zh-hans", "Asia/Shanghai")


def test_anonymous_gets_401_and_token_auth_works(cast):
    assert APIClient().get("/api/v1/projects/").status_code == 401
    token = api_token_regenerate(actor=cast.rep)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/projects/")
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == {"a-one"}


def test_regenerating_a_token_revokes_the_old_one(cast):
    old = api_token_regenerate(actor=cast.rep).key
    new = api_token_regenerate(actor=cast.rep).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get("/api/v1/me/").status_code == 200
    assert Token.objects.filter(user=cast.rep).count() == 1


def test_provider_user_without_second_factor_is_refused_by_the_api(provider):
    user = UserFactory(organization=provider)
    client = APIClient()
    client.force_login(user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_a_token_does_not_bypass_the_second_factor(provider):
    user = UserFactory(organization=provider)
    token = api_token_regenerate(actor=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/projects/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Set up two-factor authentication to continue.",
        "code": "mfa_required",
    }


def test_page_size_is_capped_at_200(cast, client_a):
    for index in range(205):
        add_member(
            ProjectFactory(client=client_a, code=f"bulk-{index}"), cast.rep, Role.CUSTOMER_REP
        )
    response = api_as(cast.rep).get("/api/v1/projects/", {"page_size": 1000})
    assert response.status_code == 200
    assert response.json()["count"] == 206
    assert len(response.json()["results"]) == 200


def test_project_list_queries_do_not_grow_with_rows(cast, client_a):
    client = api_as(cast.rep)
    few = count_queries(client, "/api/v1/projects/")
    for index in range(15):
        project = ProjectFactory(client=client_a, code=f"more-{index}")
        add_member(project, cast.rep, Role.CUSTOMER_REP)
        add_member(project, UserFactory(organization=client_a), Role.CLIENT_VIEWER)
    assert count_queries(client, "/api/v1/projects/") == few


def test_members_and_organizations_queries_do_not_grow_with_rows(cast, client_a):
    client = api_as(cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/members/"
    few_members = count_queries(client, url)
    few_orgs = count_queries(client, "/api/v1/organizations/")
    for _ in range(12):
        add_member(cast.project, UserFactory(organization=client_a), Role.CLIENT_VIEWER)
        other = OrganizationFactory()
        add_member(ProjectFactory(client=other), cast.pm, Role.PM)
    assert count_queries(client, url) == few_members
    assert count_queries(client, "/api/v1/organizations/") == few_orgs
