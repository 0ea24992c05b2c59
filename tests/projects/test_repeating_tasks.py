"""Repeating tasks (weekly, monthly): marking an occurrence done adds the next one, once, in
the series' own rhythm, until the series' end."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from common.errors import InvalidInput
from projects.copying import export_tasks
from projects.models import Task, Visibility
from projects.services.tasks import add_months, task_create, task_update
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

DONE = {"status": Task.Status.DONE}


def _series(cast, repeat, **values):
    return task_create(
        actor=cast.pm,
        project=cast.project,
        name="Stock reconciliation",
        assignee=cast.teammate,
        repeat=repeat,
        **values,
    )


def _occurrences(first):
    return list(
        Task.objects.filter(name=first.name, project=first.project)
        .order_by("occurrence")
        .values_list("occurrence", "start_date", "due_date", "status")
    )


def test_months_keep_their_day_or_end_the_shorter_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 1, 31), 2) == date(2027, 3, 31)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)


def test_a_weekly_task_done_adds_the_next_week_once(cast):
    first = _series(
        cast, Task.Repeat.WEEKLY, start_date=date(2027, 3, 1), due_date=date(2027, 3, 3)
    )

    # The team member assigned to it marks it done: the next comes, same span, a week later.
    task_update(actor=cast.teammate, task=first, changes=DONE)
    assert _occurrences(first) == [
        (1, date(2027, 3, 1), date(2027, 3, 3), Task.Status.DONE),
        (2, date(2027, 3, 8), date(2027, 3, 10), Task.Status.TODO),
    ]
    second = Task.objects.get(occurrence=2)
    assert (second.assignee, second.repeat_series, second.repeat) == (
        cast.teammate,
        first,
        Task.Repeat.WEEKLY,
    )

    # Reopened and done again: nothing more.
    task_update(actor=cast.teammate, task=first, changes={"status": Task.Status.IN_PROGRESS})
    task_update(actor=cast.teammate, task=first, changes=DONE)
    assert len(_occurrences(first)) == 2

    # The second was moved two weeks late: the next comes after it, in the series' rhythm (the
    # fifth week's).
    task_update(
        actor=cast.pm,
        task=second,
        changes={"start_date": date(2027, 3, 22), "due_date": date(2027, 3, 24)},
    )
    task_update(actor=cast.pm, task=second, changes=DONE)
    assert _occurrences(first)[-1] == (5, date(2027, 3, 29), date(2027, 3, 31), Task.Status.TODO)


def test_a_monthly_task_keeps_its_day_and_stops_at_its_end(cast):
    first = _series(
        cast, Task.Repeat.MONTHLY, due_date=date(2027, 1, 31), repeat_until=date(2027, 3, 31)
    )
    task_update(actor=cast.pm, task=first, changes=DONE)
    task_update(actor=cast.pm, task=Task.objects.get(occurrence=2), changes=DONE)
    task_update(actor=cast.pm, task=Task.objects.get(occurrence=3), changes=DONE)

    assert [(number, due) for number, _start, due, _status in _occurrences(first)] == [
        (1, date(2027, 1, 31)),
        (2, date(2027, 2, 28)),
        (3, date(2027, 3, 31)),  # back on the 31st; April's would pass the end
    ]


def test_bad_repetitions_are_refused_and_change_nothing(cast):
    with pytest.raises(InvalidInput) as no_due:
        _series(cast, Task.Repeat.WEEKLY)
    assert no_due.value.field == "due_date"
    with pytest.raises(InvalidInput) as ends_before:
        _series(
            cast,
            Task.Repeat.WEEKLY,
            due_date=date(2027, 3, 3),
            repeat_until=date(2027, 3, 1),
        )
    assert ends_before.value.field == "repeat_until"
    with pytest.raises(InvalidInput) as no_rhythm:
        _series(cast, "", due_date=date(2027, 3, 3), repeat_until=date(2027, 4, 1))
    assert no_rhythm.value.field == "repeat"
    assert not Task.objects.exists()

    client = logged_in(cast.pm)
    response = client.post(
        reverse("projects:tasks", args=[cast.project.pk]),
        {
            "name": "Weekly check",
            "status": "todo",
            "percent_complete": 0,
            "visibility": "internal",
            "owner_side": "team",
            "repeat": "weekly",
        },
    )
    assert response.status_code == 400
    assert "A repeating task needs a due date." in response.content.decode()
    assert not Task.objects.exists()


def test_the_page_and_the_api_show_the_repetition(cast):
    first = _series(
        cast,
        Task.Repeat.WEEKLY,
        due_date=date(2027, 3, 3),
        repeat_until=date(2027, 6, 30),
        visibility=Visibility.CLIENT,
    )
    client = logged_in(cast.pm)
    page = client.get(reverse("projects:task", args=[cast.project.pk, first.pk])).content.decode()
    assert "Every week" in page
    assert "occurrence 1" in page
    data = client.get(f"/api/v1/projects/{cast.project.pk}/tasks/{first.pk}/").json()
    assert (data["repeat"], data["repeat_until"], data["occurrence"], data["owner_side"]) == (
        "weekly",
        "2027-06-30",
        1,
        "team",
    )


def test_a_template_takes_each_series_once_from_its_first(cast):
    cast.project.start_date = date(2027, 3, 1)
    cast.project.save(update_fields=["start_date"])
    first = _series(cast, Task.Repeat.WEEKLY, due_date=date(2027, 3, 3))
    task_update(actor=cast.pm, task=first, changes=DONE)

    exported = export_tasks(cast.project)["tasks"]

    assert [(row["name"], row["repeat"]) for row in exported] == [
        ("Stock reconciliation", "weekly")
    ]
    assert exported[0]["key"] == f"t{first.pk}"
