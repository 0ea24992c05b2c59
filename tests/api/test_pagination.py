"""A late page of an API list reads its ids, then its rows (common.api.DeferredJoinPaginator):
the same rows in the same order as a plain OFFSET, for every page, whoever reads; and a page of
tasks reads the dependencies and parents of its own tasks only."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from projects.models import Task, TaskDependency, Visibility
from tests.helpers import count_queries, logged_in

TASKS = 23


@pytest.fixture
def tasks(cast) -> list[Task]:
    """Tasks in an order that is not their ids' (positions repeat), every third one internal,
    each depending on the one before it, each fifth a subtask of the one before it."""
    made = Task.objects.bulk_create(
        Task(
            project=cast.project,
            name=f"Task {number:02}",
            position=(number * 7) % 5,
            visibility=Visibility.INTERNAL if number % 3 == 0 else Visibility.CLIENT,
            start_date=date(2027, 1, 4),
            due_date=date(2027, 1, 8),
        )
        for number in range(TASKS)
    )
    TaskDependency.objects.bulk_create(
        TaskDependency(predecessor=before, successor=after)
        for before, after in itertools.pairwise(made)
    )
    for before, task in itertools.pairwise(made):
        if made.index(task) % 5 == 0:
            task.parent = before
            task.save(update_fields=["parent"])
    return made


def _pages(client, url: str, page_size: int) -> list[list[dict]]:
    pages, number = [], 1
    while True:
        body = client.get(f"{url}?page_size={page_size}&page={number}").json()
        pages.append(body["results"])
        if not body["next"]:
            return pages
        number += 1


@pytest.mark.parametrize("role_name", ["pm", "rep"])
@pytest.mark.parametrize("page_size", [2, 5, 50])
def test_late_pages_read_by_id_hold_what_offset_pages_hold(
    cast, tasks, settings, monkeypatch, role_name, page_size
):
    client = logged_in(getattr(cast, role_name))
    url = f"/api/v1/projects/{cast.project.pk}/tasks/"
    monkeypatch.setattr("common.api.DEFERRED_JOIN_FROM", 10**9)
    by_offset = _pages(client, url, page_size)
    monkeypatch.setattr("common.api.DEFERRED_JOIN_FROM", 1)

    by_id = _pages(client, url, page_size)

    assert by_id == by_offset
    listed = [task["id"] for page in by_id for task in page]
    expected = Task.objects.filter(project=cast.project).order_by("position", "id")
    if role_name == "rep":
        expected = expected.filter(visibility=Visibility.CLIENT)
    assert listed == list(expected.values_list("pk", flat=True))
    if role_name == "rep":
        # A client is told of visible predecessors and parents only, on every page.
        visible = set(listed)
        for task in (task for page in by_id for task in page):
            assert set(task["predecessors"]) <= visible
            assert task["parent"] is None or task["parent"] in visible
    named = {task["id"]: task for page in by_id for task in page}
    for before, after in itertools.pairwise(tasks):
        if after.pk in named and (role_name == "pm" or before.pk in named):
            assert named[after.pk]["predecessors"] == [before.pk]


def test_a_late_page_costs_one_query_more_than_the_first_and_no_more_as_tasks_grow(
    cast, tasks, monkeypatch
):
    monkeypatch.setattr("common.api.DEFERRED_JOIN_FROM", 4)
    client = logged_in(cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/tasks/?page_size=5"
    first = count_queries(client, url, warm=True)
    late = count_queries(client, f"{url}&page=4", warm=True)
    assert late == first + 1

    more = Task.objects.bulk_create(
        Task(project=cast.project, name=f"More {number}", position=9) for number in range(40)
    )
    TaskDependency.objects.bulk_create(
        TaskDependency(predecessor=tasks[0], successor=task) for task in more
    )

    assert count_queries(client, url, warm=True) == first
    assert count_queries(client, f"{url}&page=4", warm=True) == late
