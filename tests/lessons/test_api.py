"""The lessons API: the permission matrix per role, by status and by content."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons.models import Lesson
from projects.models import Visibility
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/lessons/"
SECRET = "Vendor contract penalty was hidden"


@pytest.fixture
def world(cast, make_lesson):
    internal = make_lesson(cast.pm, cast.project, title="Internal lesson", what_went_wrong=SECRET)
    shared = make_lesson(cast.pm, cast.project, title="Shared lesson", visibility=Visibility.CLIENT)
    other = make_lesson(cast.other_client_rep, cast.other_project, title="B lesson")
    return {"internal": internal, "shared": shared, "other": other}


LIST_TITLES = {
    "pm": {"Internal lesson", "Shared lesson", "B lesson"},
    "am": {"Internal lesson", "Shared lesson", "B lesson"},
    "teammate": {"Internal lesson", "Shared lesson", "B lesson"},
    "outsider": {"Internal lesson", "Shared lesson", "B lesson"},
    "staff_admin": {"Internal lesson", "Shared lesson", "B lesson"},
    "client_admin": {"Shared lesson"},
    "rep": {"Shared lesson"},
    "viewer": {"Shared lesson"},
    "other_client_rep": {"B lesson"},
}


@pytest.mark.parametrize("person", sorted(LIST_TITLES))
def test_list_is_scoped_by_content(cast, world, person):
    response = logged_in(getattr(cast, person)).get(URL)
    assert response.status_code == 200
    assert {row["title"] for row in response.json()["results"]} == LIST_TITLES[person]
    if person in ("client_admin", "rep", "viewer", "other_client_rep"):
        assert SECRET not in response.content.decode()


def test_anonymous_gets_401(world, client):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("person", "internal", "shared", "other"),
    [
        ("pm", 200, 200, 200),
        ("outsider", 200, 200, 200),
        ("rep", 404, 200, 404),
        ("viewer", 404, 200, 404),
        ("other_client_rep", 404, 404, 200),
    ],
)
def test_retrieve_matrix(cast, world, person, internal, shared, other):
    api = logged_in(getattr(cast, person))
    for name, expected in (("internal", internal), ("shared", shared), ("other", other)):
        response = api.get(f"{URL}{world[name].pk}/")
        assert response.status_code == expected, name
        if expected == 404:
            assert world[name].title not in response.content.decode()


@pytest.mark.parametrize(
    ("person", "expected", "visibility"),
    [
        ("pm", 201, "internal"),
        ("teammate", 201, "internal"),
        ("staff_admin", 201, "internal"),
        ("client_admin", 201, "client"),
        ("rep", 201, "client"),
        ("viewer", 403, None),
        ("other_client_rep", 404, None),
        ("outsider", 404, None),
    ],
)
def test_create_matrix(cast, person, expected, visibility):
    response = logged_in(getattr(cast, person)).post(
        URL,
        {
            "project": cast.project.pk,
            "title": "Sign-off took weeks",
            "category": "schedule",
            "what_went_wrong": "The client's approver was away.",
            "visibility": "internal",
        },
        content_type="application/json",
    )
    assert response.status_code == expected
    if visibility is None:
        assert not Lesson.objects.exists()
    else:
        assert response.json()["visibility"] == visibility
        assert Lesson.objects.get().visibility == visibility


def test_bad_input_is_a_400_naming_the_field(cast):
    api = logged_in(cast.pm)
    response = api.post(
        URL,
        {"project": cast.project.pk, "title": "x", "category": "gossip"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "category" in response.content.decode()
    response = api.post(
        URL,
        {"project": cast.project.pk, "title": "x", "category": "cost"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "what_went_well" in response.content.decode()
    assert api.get(URL + "?client=abc").status_code == 400
    assert not Lesson.objects.exists()


@pytest.mark.parametrize(
    ("person", "expected"),
    [("pm", 200), ("teammate", 200), ("am", 403), ("rep", 404), ("other_client_rep", 404)],
)
def test_edit_and_delete_matrix(cast, make_lesson, person, expected):
    lesson = make_lesson(cast.teammate, cast.project, title="Original")
    api = logged_in(getattr(cast, person))
    response = api.patch(f"{URL}{lesson.pk}/", {"title": "Edited"}, content_type="application/json")
    assert response.status_code == expected
    assert Lesson.objects.get().title == ("Edited" if expected == 200 else "Original")
    response = api.delete(f"{URL}{lesson.pk}/")
    assert response.status_code == (204 if expected == 200 else expected)
    assert Lesson.objects.exists() == (expected != 200)


def test_filters_and_search(cast, make_lesson):
    make_lesson(
        cast.pm, cast.project, title="需求", what_went_wrong="客户需求变更频繁", tags=["t1"]
    )
    make_lesson(cast.pm, cast.project, title="Plain", category="cost", tags=["t2"])
    api = logged_in(cast.pm)
    titles = lambda query: [row["title"] for row in api.get(URL + query).json()["results"]]  # noqa: E731
    assert titles("?q=变更") == ["需求"]
    assert titles("?category=cost") == ["Plain"]
    assert titles("?tag=t1") == ["需求"]
    assert titles(f"?project={cast.other_project.pk}") == []


def _fill(cast, make_lesson, count):
    for n in range(count):
        make_lesson(
            cast.pm if n % 2 else cast.rep,
            cast.project,
            title=f"Lesson {n}",
            visibility=Visibility.CLIENT if n % 3 else Visibility.INTERNAL,
        )


@pytest.mark.parametrize("person", ["pm", "rep"])
def test_list_query_count_is_constant(cast, make_lesson, person, django_assert_num_queries):
    api = logged_in(getattr(cast, person))
    _fill(cast, make_lesson, 3)
    api.get(URL)
    with CaptureQueriesContext(connection) as few:
        api.get(URL)
    _fill(cast, make_lesson, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = api.get(URL)
    assert response.status_code == 200
