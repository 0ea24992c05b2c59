"""In a project of more tasks than a list serves (LISTED_TASKS_AT_MOST), a task's parent and a
dependency's predecessor are given by WBS number or by name: the pages carry no list of every
task, what the person typed comes back with a clear message when it names no task or several,
and nothing is saved then."""

from __future__ import annotations

import pytest

from common.revisions import _display
from projects.forms.tasks import LISTED_TASKS_AT_MOST, TaskNumberField
from projects.models import Task, TaskDependency
from projects.selectors.tasks import task_outline_for
from tests.helpers import logged_in

NEW_TASK = {"status": "todo", "percent_complete": 0, "visibility": "internal"}


@pytest.fixture
def large(cast):
    """The project with LISTED_TASKS_AT_MOST + 5 tasks: 1 Design, 2 Build (2.1 Build API under
    it), two called "Review", then the rest."""
    project = cast.project
    design = Task.objects.create(project=project, name="Design", position=0)
    build = Task.objects.create(project=project, name="Build", position=1)
    Task.objects.create(project=project, name="Build  API", position=0, parent=build)
    Task.objects.bulk_create(
        Task(project=project, name="Review" if n < 2 else f"Task {n}", position=2 + n)
        for n in range(LISTED_TASKS_AT_MOST + 2)
    )
    assert Task.objects.filter(project=project).count() == LISTED_TASKS_AT_MOST + 5
    return {"design": design, "build": build, "api": build.children.get()}


def test_the_task_list_offers_no_list_of_every_task(cast, large):
    page = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/tasks/").content.decode()
    form = page.split('data-testid="task-form"')[1].split("</form>")[0]
    assert '<input type="text" name="parent"' in form
    assert "Its WBS number as the task list shows it" in form
    assert "<option" not in form.split('name="parent"')[1].split("</div>")[0]
    assert "Task 150" not in form  # no task is named in the form


@pytest.mark.parametrize(
    ("typed", "parent"),
    [("2", "build"), ("2.", "build"), (" 2.1 ", "api"), ("build api", "api"), ("DESIGN", "design")],
)
def test_a_parent_given_by_number_or_name(cast, large, typed, parent):
    response = logged_in(cast.pm).post(
        f"/projects/{cast.project.pk}/tasks/", {**NEW_TASK, "name": "Test plan", "parent": typed}
    )
    assert response.status_code == 302
    assert Task.objects.get(name="Test plan").parent == large[parent]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Review", "2 tasks are called “Review”: give its WBS number."),
        ("9.9", "No task of this project has the WBS number or the name “9.9”."),
        ("Nothing & <such>", "No task of this project has the WBS number or the name “Nothing "),
    ],
)
def test_a_parent_that_names_no_task_or_several_is_refused_and_kept(cast, large, typed, message):
    response = logged_in(cast.pm).post(
        f"/projects/{cast.project.pk}/tasks/", {**NEW_TASK, "name": "Test plan", "parent": typed}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message.replace("&", "&amp;") in page.replace("&#x27;", "'")
    form = page.split('data-testid="task-form"')[1]
    kept = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'name="parent" value="{kept}"' in form
    assert 'value="Test plan"' in form
    assert not Task.objects.filter(name="Test plan").exists()


def test_the_task_page_shows_the_parent_s_number_and_takes_a_predecessor_by_number(cast, large):
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/tasks/{large['api'].pk}/"
    page = client.get(url).content.decode()
    assert 'name="parent" value="2"' in page
    assert '<input type="text" name="predecessor"' in page
    assert page.count("<option") < 100  # statuses, people, milestones: no task list

    response = client.post(url + "dependencies/", {"predecessor": "1", "kind": "fs"})
    assert response.status_code == 302
    assert TaskDependency.objects.get(successor=large["api"]).predecessor == large["design"]

    refused = client.post(url + "dependencies/", {"predecessor": "Review", "kind": "fs"})
    assert refused.status_code == 400
    assert "2 tasks are called “Review”" in refused.content.decode()
    assert TaskDependency.objects.filter(successor=large["api"]).count() == 1


def test_moving_a_task_under_another_by_number(cast, large):
    api = large["api"]
    response = logged_in(cast.pm).post(
        f"/projects/{cast.project.pk}/tasks/{api.pk}/",
        {
            **NEW_TASK,
            "name": api.name,
            "parent": "1",
            "revision": api.revision,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    api.refresh_from_db()
    assert api.parent == large["design"]


def test_a_conflict_names_the_parent_by_number_and_name(cast, large):
    rows = task_outline_for(user=cast.pm, project=cast.project)
    field = TaskNumberField(tasks=rows, required=False)
    assert _display(field, large["api"].pk) == "2.1 Build  API"
    assert _display(field, None) == "—"
    assert field.has_changed(large["build"].pk, "2") is False
    assert field.has_changed(large["build"].pk, "1") is True


def test_the_outline_makes_only_the_rows_it_is_asked_for(cast, large, monkeypatch):
    """The outline reads as the list of its rows would (length, index, slice, order), and a
    page of it makes the rows of the page only."""
    from projects.selectors import tasks as selectors

    outline = task_outline_for(user=cast.pm, project=cast.project)
    every = list(outline)
    assert len(outline) == len(every) == LISTED_TASKS_AT_MOST + 5
    assert [row.wbs for row in every[:4]] == ["1", "2", "2.1", "3"]
    assert (every[2].name, every[2].depth, every[2].parent_id) == (
        "Build  API",
        1,
        large["build"].pk,
    )
    assert outline[2] == every[2]
    assert outline[-1] == every[-1]
    assert outline[10:15] == every[10:15]

    made = []
    real = selectors.TaskOutlineRow._make
    monkeypatch.setattr(
        selectors.TaskOutlineRow, "_make", lambda values: made.append(values) or real(values)
    )
    assert [row.wbs for row in outline[50:60]] == [str(n) for n in range(50, 60)]
    assert len(made) == 10


def test_the_outline_reads_names_and_statuses_once_and_only_when_asked(
    cast, large, django_assert_num_queries
):
    """Numbering and paging read no name; the first name asked for reads every row's name and
    status in one query; an outline read with its names reads none later."""
    Task.objects.filter(pk=large["design"].pk).update(status="done")
    cast.pm.project_roles  # noqa: B018 (the roles are cached on the person beforehand)
    with django_assert_num_queries(1):
        outline = task_outline_for(user=cast.pm, project=cast.project)
    with django_assert_num_queries(0):
        page = outline[0:4]
        assert [row.wbs for row in page] == ["1", "2", "2.1", "3"]
        assert [row.pk for row in page[:2]] == [large["design"].pk, large["build"].pk]
    with django_assert_num_queries(1):
        assert (page[0].name, page[0].status) == ("Design", "done")
    with django_assert_num_queries(0):
        assert [row.name for row in outline[1:4]] == ["Build", "Build  API", "Review"]

    with django_assert_num_queries(1):
        named = task_outline_for(user=cast.pm, project=cast.project, names=True)
        assert [(row.name, row.status) for row in named[:2]] == [
            ("Design", "done"),
            ("Build", "todo"),
        ]
    assert list(named) == list(outline)


def test_a_task_deleted_before_the_names_are_read_has_an_empty_name(cast, large):
    outline = task_outline_for(user=cast.pm, project=cast.project)
    first = outline[0]
    Task.objects.filter(pk=large["design"].pk).delete()

    assert (first.pk, first.wbs) == (large["design"].pk, "1")
    assert (first.name, first.status) == ("", "")
    assert outline[1].name == "Build"
