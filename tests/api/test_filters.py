"""The API lists' filter backend (common.api_filters.FilterBackend): the filter set of a view is
built once, a request that names none of its fields is not filtered, and one that names a field
is filtered and checked as django-filter does."""

from __future__ import annotations

import pytest
from django_filters.rest_framework import DjangoFilterBackend

from common.api_filters import FilterBackend
from projects.models import Task
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(cast) -> list[Task]:
    return [
        Task.objects.create(project=cast.project, name=f"Task {number}", status=status)
        for number, status in enumerate(["todo", "in_progress", "done", "done"])
    ]


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_a_list_without_filters_is_read_without_a_filter_set(cast, tasks, monkeypatch):
    client = logged_in(cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/tasks/"
    every = _names(client.get(url))

    def refused(*args, **kwargs):
        raise AssertionError("a filter set was built for a request without filters")

    monkeypatch.setattr(DjangoFilterBackend, "get_filterset", refused)

    assert _names(client.get(url)) == every
    assert _names(client.get(url, {"page": 1, "ordering": "name"})) == sorted(every)
    assert len(every) == 4


def test_a_filter_named_filters_and_a_wrong_value_is_refused(cast, tasks):
    client = logged_in(cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/tasks/"

    assert _names(client.get(url, {"status": "done"})) == ["Task 2", "Task 3"]
    assert _names(client.get(url, {"status": "in_progress"})) == ["Task 1"]
    wrong = client.get(url, {"status": "someday"})
    assert wrong.status_code == 400
    assert "status" in wrong.json()


def test_the_filter_set_class_is_built_once_per_view_and_model(cast, tasks):
    from projects.api.tasks import TaskViewSet

    backend, view = FilterBackend(), TaskViewSet()
    first = backend.get_filterset_class(view, Task.objects.all())
    again = FilterBackend().get_filterset_class(view, Task.objects.filter(status="done"))

    assert first is again
    assert sorted(first.base_filters) == ["assignee", "milestone", "status"]
