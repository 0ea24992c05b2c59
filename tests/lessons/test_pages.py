"""The lesson pages for each role, their forms, and constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import Lesson
from projects.models import Visibility
from tests.factories import ProjectFactory
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

SECRET = "Our estimate ignored the legacy system"


@pytest.fixture
def world(cast, make_lesson):
    make_lesson(cast.pm, cast.project, title="Internal lesson", what_went_wrong=SECRET)
    make_lesson(
        cast.pm,
        cast.project,
        title="Shared lesson",
        what_went_well="Demos every sprint.",
        what_went_wrong="",
        visibility=Visibility.CLIENT,
    )
    make_lesson(cast.rep, cast.project, title="Client's lesson")


@pytest.mark.parametrize("person", ["pm", "am", "teammate", "staff_admin"])
def test_team_sees_the_retrospective_grouped(cast, world, person):
    page = logged_in(getattr(cast, person)).get(
        reverse("lessons:retrospective", args=[cast.project.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert SECRET in html
    assert "Demos every sprint." in html
    assert html.count('data-testid="lesson"') == 3
    assert 'data-testid="lesson-form"' in html


def test_pm_sees_edit_forms_the_am_does_not(cast, world):
    url = reverse("lessons:retrospective", args=[cast.project.pk])
    assert logged_in(cast.pm).get(url).content.decode().count("lesson-edit-form") == 3
    assert "lesson-edit-form" not in logged_in(cast.am).get(url).content.decode()


@pytest.mark.parametrize("person", ["client_admin", "rep", "viewer"])
def test_client_sees_shared_lessons_in_the_portal(cast, world, person):
    page = logged_in(getattr(cast, person)).get(
        reverse("lessons:portal_lessons", args=[cast.project.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Shared lesson" in html
    assert "Client&#x27;s lesson" in html
    assert "Internal lesson" not in html
    assert SECRET not in html
    assert ('data-testid="portal-lesson-form"' in html) == (person != "viewer")


def test_other_client_gets_404_in_the_portal(cast, world):
    page = logged_in(cast.other_client_rep).get(
        reverse("lessons:portal_lessons", args=[cast.project.pk])
    )
    assert page.status_code == 404
    assert SECRET not in page.content.decode()


def test_staff_pages_send_clients_to_the_portal(cast, world):
    api = logged_in(cast.rep)
    for url in (
        reverse("lessons:library"),
        reverse("lessons:retrospective", args=[cast.project.pk]),
    ):
        response = api.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/portal/"


def test_rep_contributes_a_lesson_in_the_portal(cast, client):
    client.force_login(cast.rep)
    url = reverse("lessons:portal_lessons", args=[cast.project.pk])
    response = client.post(
        url, {"title": "Tell us sooner", "category": "communication", "what_went_wrong": "Late."}
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.visibility, lesson.side, lesson.author) == ("client", "client", cast.rep)
    response = client.post(url, {"title": "", "category": "communication"})
    assert response.status_code == 400
    client.force_login(cast.viewer)
    assert (
        client.post(url, {"title": "x", "category": "scope", "what_went_well": "y"}).status_code
        == 403
    )
    assert Lesson.objects.count() == 1


def test_pm_records_edits_and_removes_on_the_page(cast, client):
    client.force_login(cast.pm)
    url = reverse("lessons:retrospective", args=[cast.project.pk])
    response = client.post(
        url,
        {
            "title": "Freeze scope",
            "category": "scope",
            "what_went_wrong": "Scope moved weekly.",
            "tags": "retail, 仓储",
            "visibility": "client",
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.tags, lesson.visibility) == (["retail", "仓储"], "client")
    edit = reverse("lessons:lesson_edit", args=[cast.project.pk, lesson.pk])
    prefix = f"l{lesson.pk}-"
    response = client.post(
        edit,
        {
            prefix + "title": "Freeze scope early",
            prefix + "category": "scope",
            prefix + "what_went_wrong": "Scope moved weekly.",
            prefix + "visibility": "internal",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.visibility, lesson.tags) == (
        "Freeze scope early",
        "internal",
        ["retail", "仓储"],
    )
    response = client.post(
        edit,
        {prefix + "title": "", prefix + "category": "scope", prefix + "visibility": "internal"},
    )
    assert response.status_code == 400
    client.force_login(cast.am)
    assert (
        client.post(reverse("lessons:lesson_delete", args=[cast.project.pk, lesson.pk])).status_code
        == 403
    )
    client.force_login(cast.pm)
    assert (
        client.post(reverse("lessons:lesson_delete", args=[cast.project.pk, lesson.pk])).status_code
        == 302
    )
    assert not Lesson.objects.exists()


def test_library_searches_and_filters(cast, make_lesson):
    make_lesson(
        cast.pm, cast.project, title="上线", what_went_wrong="系统上线前培训不足。", tags=["retail"]
    )
    make_lesson(cast.pm, cast.project, title="Budget", category="cost", what_went_wrong="Overrun.")
    api = logged_in(cast.outsider)
    html = api.get(reverse("lessons:library") + "?q=培训").content.decode()
    assert "上线" in html
    assert "Budget" not in html
    html = api.get(reverse("lessons:library") + "?category=cost").content.decode()
    assert "Budget" in html
    assert "上线" not in html


def test_overview_shows_relevant_lessons_to_the_team(cast, make_lesson, client_a):
    other = ProjectFactory(client=client_a, code="a-two", name="A Two")
    make_lesson(cast.staff_admin, other, title="Lesson from A Two", recommendation="Book the room.")
    html = (
        logged_in(cast.pm).get(reverse("projects:detail", args=[cast.project.pk])).content.decode()
    )
    assert 'data-testid="relevant-lessons"' in html
    assert "Lesson from A Two" in html
    assert "Book the room." in html


def _fill(cast, make_lesson, count, client_a):
    other = ProjectFactory(client=client_a)
    for n in range(count):
        make_lesson(
            cast.pm if n % 2 else cast.rep,
            cast.project,
            title=f"Lesson {n}",
            what_went_well="Fine." if n % 2 else "",
            tags=["retail", f"t{n}"],
            visibility=Visibility.CLIENT if n % 3 else Visibility.INTERNAL,
        )
        make_lesson(cast.staff_admin, other, title=f"Other {n}")


@pytest.mark.parametrize(
    ("person", "url_name"),
    [
        ("pm", "lessons:retrospective"),
        ("teammate", "lessons:retrospective"),
        ("pm", "lessons:library"),
        ("rep", "lessons:portal_lessons"),
        ("pm", "projects:detail"),
    ],
)
def test_query_counts_are_constant(
    cast, make_lesson, client_a, person, url_name, django_assert_num_queries
):
    api = logged_in(getattr(cast, person))
    url = (
        reverse(url_name)
        if url_name == "lessons:library"
        else reverse(url_name, args=[cast.project.pk])
    )
    _fill(cast, make_lesson, 3, client_a)
    api.get(url)
    with CaptureQueriesContext(connection) as few:
        assert api.get(url).status_code == 200
    expected = len(few.captured_queries)  # before more queries push these out of the log
    _fill(cast, make_lesson, 27, client_a)
    api.get(url)  # the writes made the portal's waiting count read afresh (once)
    with django_assert_num_queries(expected):
        assert api.get(url).status_code == 200
