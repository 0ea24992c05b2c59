"""The person of a session comes with their project roles, read in the query that loads them
(accounts.backends), and read again on every request."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import _people_with_roles, user_with_roles
from accounts.models import User
from projects.models import Membership, Role
from projects.services.memberships import membership_remove
from tests.factories import ProjectFactory, add_member
from tests.helpers import statement_sql

pytestmark = pytest.mark.django_db


def test_the_roles_come_with_the_person(cast, django_assert_num_queries):
    second = ProjectFactory(client=cast.project.client, code="a-two", name="A Two")
    add_member(second, cast.pm, Role.AM)

    with django_assert_num_queries(1):
        user = user_with_roles(cast.pm.pk)
        roles, clients = dict(user.project_roles), user.project_roles.clients

    assert roles == {cast.project.pk: Role.PM, second.pk: Role.AM}
    assert clients == {cast.project.pk: cast.project.client_id, second.pk: second.client_id}
    assert roles == dict(User.objects.get(pk=cast.pm.pk).project_roles)  # read apart


def test_the_roles_read_with_the_person_are_parsed_when_first_asked_for(cast):
    user = user_with_roles(cast.pm.pk)
    assert "project_roles" not in user.__dict__  # a probe or a static file never asks

    assert dict(user.project_roles) == {cast.project.pk: Role.PM}
    assert "_roles_text" not in user.__dict__
    # Forgotten as a new request would forget them: read again, from the database.
    add_member(ProjectFactory(client=cast.project.client, code="a-two"), cast.pm, Role.AM)
    user.__dict__.pop("project_roles")
    assert len(user.project_roles) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_roles_are_read_from_their_index_alone(cast):
    """membership_user_roles_idx holds every column the person's roles are read from: no table
    row is visited per membership (the planner's choice between scans set aside)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = _people_with_roles().filter(pk=cast.pm.pk).explain()
    assert "Index Only Scan using membership_user_roles_idx" in plan, plan


def test_a_person_without_a_project_has_no_role(cast):
    assert dict(user_with_roles(cast.outsider.pk).project_roles) == {}
    assert user_with_roles(10**9) is None


# The query of User.project_roles when the person comes without them.
ROLES_QUERY = (
    'SELECT "projects_membership"."project_id" AS "project_id", "projects_membership"."role"'
)


@pytest.mark.parametrize("backend", settings.AUTHENTICATION_BACKENDS[1:])
def test_each_sign_in_backend_reads_the_roles_with_the_person(cast, backend):
    assert backend.startswith("accounts.backends.")
    client = Client()
    client.force_login(cast.rep, backend=backend)
    url = reverse("portal:project", kwargs={"project_id": cast.project.pk})
    client.get(url)

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    sql = [statement_sql(query["sql"]) for query in context.captured_queries]

    assert sql[0].startswith('SELECT "accounts_user"."id"')
    assert 'FROM "projects_membership"' in sql[0]
    assert not [query for query in sql if query.startswith(ROLES_QUERY)]
    with CaptureQueriesContext(connection) as apart:
        dict(User.objects.get(pk=cast.rep.pk).project_roles)
    assert apart.captured_queries[1]["sql"].startswith(ROLES_QUERY)


def test_a_removed_member_is_refused_from_the_next_request_on(cast):
    client = Client()
    client.force_login(cast.rep)
    url = reverse("portal:project", kwargs={"project_id": cast.project.pk})
    assert client.get(url).status_code == 200

    membership_remove(
        actor=cast.pm, membership=Membership.objects.get(project=cast.project, user=cast.rep)
    )

    assert client.get(url).status_code == 404
    assert cast.project.name not in client.get(reverse("portal:home")).content.decode()


def _page_queries(client: Client, url: str, **headers: str) -> list[str]:
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, headers=headers).status_code == 200
    return [statement_sql(query["sql"]) for query in context.captured_queries]


def test_a_person_read_by_an_access_token_or_a_calendar_address_comes_with_the_roles(cast):
    from accounts.services import calendar_feed_create
    from integrations.tokens import access_token_create

    secret = access_token_create(actor=cast.rep, name="Mine", scope="read", days=7).secret
    api = _page_queries(
        Client(),
        f"/api/v1/projects/{cast.project.pk}/deliverables/",
        Authorization=f"Bearer {secret}",
    )
    feed = _page_queries(
        Client(),
        reverse(
            "integrations:calendar_feed", kwargs={"token": calendar_feed_create(actor=cast.rep)}
        ),
    )

    for sql in (api, feed):
        assert 'FROM "projects_membership"' in sql[0]
        assert not [query for query in sql if query.startswith(ROLES_QUERY)]


def test_the_person_is_read_as_the_orm_reads_them(cast, django_assert_num_queries):
    expected = User.objects.get(pk=cast.pm.pk)

    with django_assert_num_queries(1):
        user = user_with_roles(cast.pm.pk)
        organization = user.organization

    assert type(user) is User
    assert user._state.db == "default"
    assert not user._state.adding
    fields = [field.attname for field in User._meta.concrete_fields]
    assert {name: getattr(user, name) for name in fields} == {
        name: getattr(expected, name) for name in fields
    }
    assert organization == expected.organization
    assert organization.name == expected.organization.name
    assert user_with_roles(str(cast.pm.pk)).pk == cast.pm.pk  # a session's text id


def test_a_person_without_an_organisation_reads_none_without_a_query(
    cast, django_assert_num_queries
):
    User.objects.filter(pk=cast.outsider.pk).update(organization=None)

    with django_assert_num_queries(1):
        assert user_with_roles(cast.outsider.pk).organization is None
