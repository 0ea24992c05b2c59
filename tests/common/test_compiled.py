"""Reads by id compiled once (common.compiled): the same objects as the ORM's, in one query."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
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
