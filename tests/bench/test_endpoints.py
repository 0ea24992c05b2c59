"""The endpoints `make bench` measures (demo.scale.bench), on a tiny seed_scale set: every path
resolves to a view of the app and answers 200 for its person, the staff enrolled in the second
factor production requires; the task API's "last page" is the last one."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import resolve

from demo.scale.bench import (
    EMPTY,
    cast_for_bench,
    endpoints_for,
    enrol_second_factor,
    provider_people,
)

pytestmark = pytest.mark.django_db

LARGE_TASKS = 120


@pytest.fixture
def cast():
    call_command(
        "seed_scale",
        "--projects=3",
        f"--large-project-tasks={LARGE_TASKS}",
        "--clients=2",
        "--no-analyze",
        stdout=io.StringIO(),
    )
    found = cast_for_bench()
    for person in provider_people(found):
        enrol_second_factor(person)
    return found


def test_every_endpoint_answers_200_for_its_person(cast, client, settings):
    assert settings.RAPPORT_STAFF_MFA_REQUIRED
    endpoints = endpoints_for(cast)
    assert endpoints[0].name == EMPTY
    assert len({endpoint.name for endpoint in endpoints}) == len(endpoints)
    assert cast.large_tasks == LARGE_TASKS
    assert cast.project != cast.large
    failures = []
    for endpoint in endpoints:
        resolve(endpoint.path.split("?")[0])  # raises Resolver404 for a path of no view
        client.force_login(endpoint.user)
        status = client.get(endpoint.path).status_code
        if status != 200:
            failures.append((endpoint.name, endpoint.user.email, endpoint.path, status))
    assert failures == []


def test_the_last_page_of_the_task_api_is_the_last(cast, client):
    (last,) = [e for e in endpoints_for(cast) if e.name == "large: task API last page"]
    client.force_login(last.user)
    body = client.get(last.path).json()
    assert body["next"] is None
    assert len(body["results"]) == LARGE_TASKS - 50 * (LARGE_TASKS // 50)
