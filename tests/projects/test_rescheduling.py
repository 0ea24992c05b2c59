"""Rescheduling (projects.services.rescheduling) and the scheduling fields of tasks and links:
the preview that writes nothing, saving that moves successors, milestones and their tasks
together, the pages' "Preview changes" step, the provider's calendar, and the form errors."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.models import CalendarDay, Organization, WorkingCalendar
from common.errors import InvalidInput
from projects.models import BudgetChange, Milestone, Task, TaskDependency
from projects.selectors.tasks import project_schedule
from projects.services.milestones import milestone_create
from projects.services.rescheduling import (
    reschedule_after_milestone_moves,
    reschedule_preview_milestone,
    reschedule_preview_task,
    task_update_with_rescheduling,
)
from projects.services.tasks import TaskChanges, dependency_add, task_create
from tests.helpers import logged_in

# Working days of March 2027 (Monday to Friday): Mar 1 is a Monday; Mar 6-7, 13-14 weekends.
MAR = {day: date(2027, 3, day) for day in range(1, 32)}


def new_task(cast, name, start=None, due=None, **values) -> Task:
    return task_create(
        actor=cast.pm, project=cast.project, name=name, start_date=start, due_date=due, **values
    )


def dates(task: Task) -> tuple[date | None, date | None]:
    task.refresh_from_db()
    return task.start_date, task.due_date


@pytest.fixture
def chain(cast):
    """Design Mar 1-3 → (FS, lag 1) Build Mar 5-8 → (SS, lag 0) Review Mar 5; Build is tied
    to Go-live on Mar 10."""
    go_live = milestone_create(
        actor=cast.pm, project=cast.project, name="Go-live", due_date=MAR[10]
    )
    design = new_task(cast, "Design", MAR[1], MAR[3])
    build = new_task(cast, "Build", MAR[5], MAR[8], milestone=go_live)
    review = new_task(cast, "Review", MAR[5], MAR[5])
    dependency_add(actor=cast.pm, predecessor=design, successor=build, lag_days=1)
    dependency_add(
        actor=cast.pm,
        predecessor=build,
        successor=review,
        kind=TaskDependency.Kind.START_TO_START,
    )
    return design, build, review, go_live


# --- Services -----------------------------------------------------------------------------------


def test_preview_lists_what_moves_and_writes_nothing(cast, chain):
    design, build, _review, go_live = chain
    revisions = {task.pk: task.revision for task in Task.objects.all()}
    # Design Mar 3-5 (days 2-4): Build starts >= 4 + 1 + 1 = day 6 (Mar 9) and lasts 2 working
    # days (Mar 9-10); Review starts with it (Mar 9); Go-live (Mar 10) is not passed.
    moves = reschedule_preview_task(actor=cast.pm, task=design, start_date=MAR[3], due_date=MAR[5])
    assert [(move.name, move.old_due, move.new_start, move.new_due) for move in moves] == [
        ("Design", MAR[3], MAR[3], MAR[5]),
        ("Build", MAR[8], MAR[9], MAR[10]),
        ("Review", MAR[5], MAR[9], MAR[9]),
    ]
    assert {task.pk: task.revision for task in Task.objects.all()} == revisions
    assert dates(design) == (MAR[1], MAR[3])
    assert dates(build) == (MAR[5], MAR[8])
    assert Milestone.objects.get(pk=go_live.pk).due_date == MAR[10]


def test_saving_a_task_moves_its_successors_and_their_milestone_in_one_go(cast, chain):
    design, build, review, go_live = chain
    # Design Mar 4-8 (days 3-5): Build from day 7 (Mar 10) to Mar 11; Review Mar 10; Go-live
    # follows Build to Mar 11.
    task, moves = task_update_with_rescheduling(
        actor=cast.pm, task=design, changes=TaskChanges(start_date=MAR[4], due_date=MAR[8])
    )
    assert dates(task) == (MAR[4], MAR[8])
    assert dates(build) == (MAR[10], MAR[11])
    assert dates(review) == (MAR[10], MAR[10])
    assert Milestone.objects.get(pk=go_live.pk).due_date == MAR[11]
    assert [move.key for move in moves] == [
        f"t{design.pk}",
        f"t{build.pk}",
        f"t{review.pk}",
        f"m{go_live.pk}",
    ]
    assert build.history.latest().history_user == cast.pm
    assert Milestone.history.filter(id=go_live.pk).latest().history_user == cast.pm


def test_moving_a_milestone_earlier_moves_its_tasks_and_their_successors(cast, chain):
    design, build, review, go_live = chain
    Task.objects.filter(pk=design.pk).update(milestone=go_live)
    # Go-live Mar 10 → Mar 8 (2 working days earlier): Build (Mar 5-8) ends after Mar 8? No:
    # it ends on it, so nothing moves.
    assert [
        move.name
        for move in reschedule_preview_milestone(actor=cast.pm, milestone=go_live, due_date=MAR[8])
    ] == ["Go-live"]
    # Go-live → Mar 5 (day 4; Mar 10 is day 7: 3 working days earlier): Build ends after it
    # and moves 3 working days earlier, Mar 5-8 (days 4-5) to Mar 2-3 (days 1-2). Its link
    # from Design (finish-to-start, lag 1) would break, and Design is tied to Go-live too: it
    # comes along by the same 3 working days, Mar 1-3 to Feb 24-26. Review (start-to-start)
    # is not pulled.
    Milestone.objects.filter(pk=go_live.pk).update(due_date=MAR[5])
    moves = reschedule_after_milestone_moves(
        actor=cast.client_admin, project=cast.project, moved={go_live.pk: MAR[10]}
    )
    assert [(move.key, move.new_start, move.new_due) for move in moves] == [
        (f"m{go_live.pk}", MAR[5], MAR[5]),
        (f"t{design.pk}", date(2027, 2, 24), date(2027, 2, 26)),
        (f"t{build.pk}", MAR[2], MAR[3]),
    ]
    assert dates(build) == (MAR[2], MAR[3])
    assert dates(review) == (MAR[5], MAR[5])
    assert build.history.latest().history_user == cast.client_admin


def test_the_schedule_counts_the_providers_working_days(cast, chain):
    _design, build, _review, _go_live = chain
    provider = Organization.objects.get(kind=Organization.Kind.PROVIDER)
    calendar = WorkingCalendar.objects.create(organization=provider, working_weekdays="12345")
    # Without the holiday: Design days 0-2, Build from 2 + 1 + 1 = 4 (Mar 5), 2 days, to Mar 8.
    assert project_schedule(project=cast.project).tasks[build.pk].early_finish == MAR[8]
    CalendarDay.objects.create(calendar=calendar, date=MAR[4], kind=CalendarDay.Kind.HOLIDAY)
    # Mar 4 off: Design Mar 1-3 is days 0-2, Build from day 4, which is now Mar 8, to Mar 9.
    schedule = project_schedule(project=cast.project)
    assert (schedule.tasks[build.pk].early_start, schedule.tasks[build.pk].early_finish) == (
        MAR[8],
        MAR[9],
    )


# --- Roll-up ------------------------------------------------------------------------------------


def test_a_parent_spans_its_children_and_cannot_end_before_them(cast):
    parent = new_task(cast, "Phase", MAR[1], MAR[2])
    child = new_task(cast, "Build", MAR[1], MAR[2], parent=parent)
    task_update_with_rescheduling(
        actor=cast.pm, task=child, changes=TaskChanges(start_date=MAR[3], due_date=MAR[12])
    )
    assert dates(parent) == (MAR[3], MAR[12])
    new_task(cast, "Design", MAR[2], MAR[4], parent=parent)
    assert dates(parent) == (MAR[2], MAR[12])
    # The parent's own dates are derived: a change to them does not stick.
    task_update_with_rescheduling(
        actor=cast.pm, task=parent, changes=TaskChanges(start_date=MAR[1], due_date=MAR[5])
    )
    assert dates(parent) == (MAR[2], MAR[12])
    assert parent.history.latest().history_user == cast.pm


# --- Validation ---------------------------------------------------------------------------------


def test_a_constraint_needs_its_date_and_a_date_its_constraint(cast):
    with pytest.raises(InvalidInput) as error:
        new_task(cast, "Ship", MAR[1], MAR[2], constraint="fnlt")
    assert error.value.field == "constraint_date"
    with pytest.raises(InvalidInput) as error:
        new_task(cast, "Ship", MAR[1], MAR[2], constraint_date=MAR[5])
    assert error.value.field == "constraint"
    task = new_task(cast, "Ship", MAR[1], MAR[2], constraint="snet", constraint_date=MAR[8])
    assert project_schedule(project=cast.project).tasks[task.pk].early_start == MAR[8]


def test_a_lag_out_of_range_or_an_unknown_kind_is_refused(cast):
    first, second = new_task(cast, "A"), new_task(cast, "B")
    with pytest.raises(InvalidInput) as error:
        dependency_add(actor=cast.pm, predecessor=first, successor=second, lag_days=366)
    assert error.value.field == "lag_days"
    with pytest.raises(InvalidInput) as error:
        dependency_add(actor=cast.pm, predecessor=first, successor=second, kind="xx")
    assert error.value.field == "kind"
    assert not TaskDependency.objects.exists()


# --- Pages --------------------------------------------------------------------------------------


def task_post(task, **values):
    return {
        "revision": task.revision,
        "name": task.name,
        "status": task.status,
        "percent_complete": task.percent_complete,
        "visibility": task.visibility,
        "milestone": task.milestone_id or "",
        **values,
    }


def test_task_page_previews_the_moves_keeps_the_values_then_saves(cast, chain):
    design, build, review, _go_live = chain
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/tasks/{design.pk}/"
    data = task_post(design, start_date="2027-03-03", due_date="2027-03-05", name="Design v2")
    response = client.post(url, {**data, "preview": "1"})
    assert response.status_code == 200
    content = response.content.decode()
    preview = content.split('data-testid="reschedule-preview"')[1].split("</table>")[0]
    assert preview.count('data-testid="reschedule-row"') == 3
    build_row = preview.split(f'data-key="t{build.pk}"')[1].split("</tr>")[0]
    assert "Mar 5, 2027 – Mar 8, 2027" in build_row
    assert "Mar 9, 2027 – Mar 10, 2027" in build_row
    assert 'value="Design v2"' in content  # the values entered are kept
    assert 'value="2027-03-03"' in content
    assert dates(build) == (MAR[5], MAR[8])  # nothing saved yet
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert dates(design) == (MAR[3], MAR[5])
    assert dates(build) == (MAR[9], MAR[10])
    assert dates(review) == (MAR[9], MAR[9])


def test_task_form_errors_for_constraint_and_lag(cast):
    task = new_task(cast, "Ship", MAR[1], MAR[2])
    other = new_task(cast, "Build", MAR[1], MAR[2])
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/tasks/{task.pk}/"
    response = client.post(url, task_post(task, constraint="fnlt"))
    assert response.status_code == 400
    assert "Give the constraint&#x27;s date." in response.content.decode()
    response = client.post(url, task_post(task, constraint_date="2027-03-05"))
    assert response.status_code == 400
    assert "Choose the constraint this date is for." in response.content.decode()
    response = client.post(
        url + "dependencies/", {"predecessor": other.pk, "kind": "ff", "lag_days": "400"}
    )
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 365." in response.content.decode()
    assert not TaskDependency.objects.exists()
    assert client.post(
        url + "dependencies/", {"predecessor": other.pk, "kind": "ff", "lag_days": "-2"}
    ).status_code in (302, 303)
    link = TaskDependency.objects.get()
    assert (link.kind, link.lag_days) == ("ff", -2)


def test_task_form_sets_constraint_and_added_by_change(cast):
    change = BudgetChange.objects.create(
        project=cast.project, change_reference="CR-7", title="Reports"
    )
    task = new_task(cast, "Reports", MAR[1], MAR[2])
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/tasks/{task.pk}/"
    page = client.get(url).content.decode()
    assert f'<option value="{change.pk}">CR-7 Reports</option>' in page
    response = client.post(
        url,
        task_post(
            task,
            start_date="2027-03-01",
            due_date="2027-03-02",
            constraint="fnlt",
            constraint_date="2027-03-05",
            budget_change=change.pk,
        ),
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.constraint, task.constraint_date, task.budget_change_id) == (
        "fnlt",
        MAR[5],
        change.pk,
    )


def test_plan_page_previews_a_milestone_move_then_saves_it(cast, chain):
    design, build, _review, go_live = chain
    Task.objects.filter(pk=design.pk).update(milestone=go_live)
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/plan/milestones/edit/"
    prefix = f"e{go_live.pk}"
    data = {
        "milestone": go_live.pk,
        f"{prefix}-revision": go_live.revision,
        f"{prefix}-name": "Go-live",
        f"{prefix}-due_date": "2027-03-05",
        f"{prefix}-description": "",
        f"{prefix}-visibility": go_live.visibility,
    }
    response = client.post(url, {**data, "preview": "1"})
    assert response.status_code == 200
    content = response.content.decode()
    preview = content.split('data-testid="reschedule-preview"')[1].split("</table>")[0]
    build_row = preview.split(f'data-key="t{build.pk}"')[1].split("</tr>")[0]
    assert "Mar 2, 2027 – Mar 3, 2027" in build_row
    assert Milestone.objects.get(pk=go_live.pk).due_date == MAR[10]
    assert client.post(url, data).status_code == 302
    assert Milestone.objects.get(pk=go_live.pk).due_date == MAR[5]
    assert dates(build) == (MAR[2], MAR[3])


# --- API ----------------------------------------------------------------------------------------


def test_api_links_with_kind_and_lag_and_refuses_a_lag_out_of_range(cast):
    first, second = new_task(cast, "A", MAR[1], MAR[2]), new_task(cast, "B", MAR[1], MAR[2])
    client = logged_in(cast.pm)
    url = f"/api/v1/projects/{cast.project.pk}/tasks/{second.pk}/dependencies/"
    refused = client.post(
        url, {"predecessor": first.pk, "lag_days": -400}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "lag_days" in refused.json()
    linked = client.post(
        url, {"predecessor": first.pk, "kind": "ss", "lag_days": 3}, content_type="application/json"
    )
    assert linked.status_code == 201
    assert (linked.json()["kind"], linked.json()["lag_days"]) == ("ss", 3)
    task = client.get(f"/api/v1/projects/{cast.project.pk}/tasks/{second.pk}/").json()
    assert task["constraint"] == ""
    assert task["budget_change"] is None
    assert task["baseline_start_date"] is None
