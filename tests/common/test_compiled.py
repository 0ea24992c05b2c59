"""Reads by id compiled once (common.compiled): the same objects as the ORM's, in one query."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import Count

from common.compiled import CompiledGet
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _fields(project: Project) -> dict[str, object]:
    return {
        field.attname: getattr(project, field.attname) for field in Project._meta.concrete_fields
    }


def test_a_compiled_read_makes_what_the_orm_makes(django_assert_num_queries):
    project = ProjectFactory()
    read = CompiledGet(
        lambda: Project.objects.select_related("client").annotate(members=Count("memberships"))
    )
    expected = Project.objects.select_related("client").annotate(members=Count("memberships"))
    expected = expected.get(pk=project.pk)

    with django_assert_num_queries(1):
        found = read.get(project.pk)
        client_name = found.client.name

    assert type(found) is Project
    assert _fields(found) == _fields(expected)
    assert client_name == expected.client.name
    assert found.members == expected.members
    assert not found._state.adding
    assert found._state.db == "default"


def test_a_second_read_runs_the_same_sql_with_another_id(django_assert_num_queries):
    first, second = ProjectFactory(), ProjectFactory()
    read = CompiledGet(lambda: Project.objects.all())
    read.get(first.pk)

    with django_assert_num_queries(1) as context:
        found = read.get(str(second.pk))  # a text id is taken as a filter takes it

    assert found.pk == second.pk
    assert found.name == second.name
    assert str(second.pk) in context.captured_queries[0]["sql"]


# 2**63 - 1 fits the key (the query runs) but is never given out; 10**20 does not fit it.
@pytest.mark.parametrize("pk", [0, -1, 2**63 - 1, 10**20, -(10**20)])
def test_a_missing_or_impossible_id_reads_none(pk, django_assert_max_num_queries):
    ProjectFactory()
    read = CompiledGet(lambda: Project.objects.all())

    with django_assert_max_num_queries(1):
        assert read.get(pk) is None


def test_a_read_that_would_prefetch_is_refused():
    ProjectFactory()
    read = CompiledGet(lambda: Project.objects.prefetch_related("memberships"))

    with pytest.raises(ImproperlyConfigured):
        read.get(1)


def test_a_project_address_with_an_impossible_id_is_not_found(cast):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(cast.rep)
    for project_id in (10**20, 0):
        url = reverse("portal:project", kwargs={"project_id": project_id})
        assert client.get(url).status_code == 404
        api = f"/api/v1/projects/{project_id}/deliverables/"
        assert client.get(api).status_code == 404


# --- prepared on PostgreSQL -----------------------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL only"
)


def _prepared() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@on_postgresql
def test_a_read_runs_a_statement_prepared_once_per_connection(django_assert_num_queries):
    first, second = ProjectFactory(), ProjectFactory()
    read = CompiledGet(lambda: Project.objects.select_related("client"))
    queryset = Project.objects.select_related("client").filter(pk=first.pk).order_by()
    plain_sql = str(queryset.query.sql_with_params()[0])

    assert read.get(first.pk).pk == first.pk
    prepared = _prepared()
    with django_assert_num_queries(1) as context:
        assert read.get(second.pk).client.name == second.client.name

    (sql,) = [query["sql"] for query in context.captured_queries]
    name = sql.split()[1]
    assert sql == f"EXECUTE {name} ({second.pk})"
    assert prepared[name] == f"PREPARE {name} AS " + plain_sql.replace("%s", "$1")
    assert _prepared() == prepared  # nothing prepared again


@on_postgresql
def test_a_read_after_a_rolled_back_transaction_works():
    project = ProjectFactory()
    read = CompiledGet(lambda: Project.objects.all())

    def prepared_then_rolled_back() -> None:
        with transaction.atomic():
            assert read.get(project.pk).pk == project.pk  # prepared inside the transaction
            Project.objects.create(name="No client", client_id=None)

    with pytest.raises(IntegrityError):
        prepared_then_rolled_back()

    assert read.get(project.pk).pk == project.pk  # the statement outlived the rollback


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again():
    project = ProjectFactory()
    read = CompiledGet(lambda: Project.objects.all())
    assert read.get(project.pk).pk == project.pk

    connection.close()

    assert read.get(project.pk).pk == project.pk
    assert any(sql.startswith("PREPARE rapport_compiled_") for sql in _prepared().values())
