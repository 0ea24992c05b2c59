"""The task list's rows written in Python (projects/templatetags/task_rows.py) are the markup of
projects/_task_row.html in a loop, byte for byte: rows the person may and may not update, for a
PM who edits the plan and one who does not, each status, tasks of the client's and visible to
the client, repeating tasks, an assignee in the team, one who left and none, with and without
dates and estimates, markup in every text, in English and in Chinese."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from accounts.models import User
from projects.models import Project, Task, Visibility
from projects.templatetags.task_rows import task_rows

LOOP = '{% for task in tasks %}{% include "projects/_task_row.html" %}{% endfor %}'

TEAM = [(5, "Ann <PM> & Co"), (6, 'Bo "the builder"'), (1530, "李 明")]


def _tasks() -> list[Task]:
    people = {pk: User(pk=pk, display_name=name) for pk, name in TEAM}
    left = User(pk=77, display_name="Gone <away>")
    tasks = []
    cases = itertools.product(
        Task.Status.values,
        [Task.OwnerSide.TEAM, Task.OwnerSide.CLIENT],
        [Visibility.INTERNAL, Visibility.CLIENT],
        ["", Task.Repeat.WEEKLY],
        [True, False],
    )
    for number, (status, side, visibility, repeat, may_update) in enumerate(cases, start=1):
        assignee = [None, people[5], people[1530], left][number % 4]
        task = Task(
            pk=1000 + number,
            name=f'Task {number} <b>"bold"</b> & more',
            status=status,
            owner_side=side,
            visibility=visibility,
            repeat=repeat,
            percent_complete=[0, 35, 100][number % 3],
            start_date=None if number % 5 == 0 else date(2027, 1, number % 28 + 1),
            due_date=None if number % 7 == 0 else date(2027, 12, number % 28 + 1),
            estimate_hours=[None, Decimal("0"), Decimal("1234.50"), Decimal("7.25")][number % 4],
            assignee=assignee,
        )
        task.wbs = ".".join(str(part) for part in range(1, number % 4 + 2))
        task.depth = task.wbs.count(".")
        task.may_update = may_update
        task.assignee_left = assignee is left
        tasks.append(task)
    return tasks


def _loop(tasks, context) -> str:
    return engines["django"].from_string(LOOP).render({"tasks": tasks, **context})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("may_edit", [True, False])
@pytest.mark.parametrize("csrf_token", ['token<&">', None])
def test_the_rows_are_the_markup_of_the_row_template(language, may_edit, csrf_token):
    tasks = _tasks()
    project = Project(pk=42)
    context = {
        "project": project,
        "statuses": Task.Status.choices,
        "team": TEAM,
        "may_edit": may_edit,
        **({"csrf_token": csrf_token} if csrf_token else {}),
    }
    with translation.override(language):
        written = task_rows(context, tasks, project, Task.Status.choices, TEAM, may_edit)
        expected = _loop(tasks, context)
    assert written == expected
    assert written.count('data-testid="task-row"') == len(tasks) == 64
    assert "<b>" not in written
    assert "Task 1 &lt;b&gt;" in written
    assert ('<option value="77" selected>Gone &lt;away&gt;</option>' in written) is may_edit


def test_no_task_writes_no_row():
    assert task_rows({}, [], Project(pk=1), Task.Status.choices, TEAM, True) == ""
