"""Tasks and their dependencies: services, pages, quick edit, CSV export, timeline and API
(projects.services.tasks, projects.selectors.tasks, projects.views.tasks, projects.api)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from common.csv import spreadsheet_safe
from common.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from projects.models import Task, TaskDependency, Visibility
from projects.selectors.tasks import task_list_for, task_outline_for, task_wbs_numbers
from projects.services.milestones import milestone_create
from projects.services.tasks import (
    dependency_add,
    dependency_remove,
    task_create,
    task_delete,
    task_update,
)
from tests.helpers import count_queries, logged_in

START = date(2027, 1, 4)


def new_task(pm, project, name="Task", **values) -> Task:
    return task_create(actor=pm, project=project, name=name, **values)


# --- Services: creating and updating --------------------------------------------------------------


def test_pm_creates_an_internal_task_at_the_end_of_the_wbs(cast):
    first = new_task(cast.pm, cast.project, "Plan")
    second = new_task(cast.pm, cast.project, "Build", assignee=cast.teammate)
    assert first.visibility == Visibility.INTERNAL
    assert (first.position, second.position) == (1, 2)
    assert second.assignee == cast.teammate
    assert second.history.first().history_user == cast.pm


@pytest.mark.parametrize(
    "role_name", ["am", "teammate", "client_admin", "rep", "viewer", "outsider", "staff_admin"]
)
def test_only_the_pm_creates_tasks(cast, role_name):
    with pytest.raises(NotAllowed):
        new_task(cast.by_name(role_name), cast.project, "Sneaky")
    assert not Task.objects.exists()


def test_marking_a_task_done_completes_it(cast):
    task = new_task(cast.pm, cast.project, percent_complete=40)
    task = task_update(actor=cast.pm, task=task, changes={"status": Task.Status.DONE})
    assert (task.status, task.percent_complete) == (Task.Status.DONE, 100)
    task.refresh_from_db()
    assert task.percent_complete == 100


def test_due_before_start_is_refused(cast):
    with pytest.raises(InvalidInput) as error:
        new_task(cast.pm, cast.project, start_date=START, due_date=date(2027, 1, 1))
    assert error.value.field == "due_date"
    assert not Task.objects.exists()


def test_the_database_refuses_due_before_start_and_percent_over_100(cast):
    task = new_task(cast.pm, cast.project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(start_date=START, due_date=date(2027, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(percent_complete=101)


def test_the_database_refuses_a_dependency_on_itself(cast):
    task = new_task(cast.pm, cast.project)
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskDependency.objects.create(predecessor=task, successor=task)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"percent_complete": 101}, "percent_complete"),
        ({"name": "  "}, "name"),
        ({"estimate_hours": Decimal("-1")}, "estimate_hours"),
        ({"status": "sleeping"}, "status"),
    ],
)
def test_invalid_changes_are_refused_and_change_nothing(cast, changes, field):
    task = new_task(cast.pm, cast.project, "Keep me")
    with pytest.raises(InvalidInput) as error:
        task_update(actor=cast.pm, task=task, changes=changes)
    assert error.value.field == field
    task.refresh_from_db()
    assert (task.name, task.percent_complete, task.status) == ("Keep me", 0, Task.Status.TODO)


def test_a_milestone_of_another_project_is_refused(cast, provider):
    from tests.factories import add_member

    add_member(cast.other_project, cast.pm, "pm")
    elsewhere = milestone_create(
        actor=cast.pm, project=cast.other_project, name="Other", due_date=START
    )
    with pytest.raises(InvalidInput) as error:
        new_task(cast.pm, cast.project, milestone=elsewhere)
    assert error.value.field == "milestone"


def test_a_parent_of_another_project_is_refused(cast):
    from tests.factories import add_member

    add_member(cast.other_project, cast.pm, "pm")
    elsewhere = new_task(cast.pm, cast.other_project, "Other")
    with pytest.raises(InvalidInput) as error:
        new_task(cast.pm, cast.project, parent=elsewhere)
    assert error.value.field == "parent"


def test_a_task_cannot_move_under_its_own_subtask(cast):
    top = new_task(cast.pm, cast.project, "Top")
    child = new_task(cast.pm, cast.project, "Child", parent=top)
    grandchild = new_task(cast.pm, cast.project, "Grandchild", parent=child)
    with pytest.raises(InvalidInput) as error:
        task_update(actor=cast.pm, task=top, changes={"parent": grandchild})
    assert (
        str(error.value.message) == "Grandchild is a subtask of Top: it cannot become its parent."
    )
    with pytest.raises(InvalidInput):
        task_update(actor=cast.pm, task=top, changes={"parent": top})
    top.refresh_from_db()
    assert top.parent is None


@pytest.mark.parametrize("role_name", ["am", "rep", "outsider"])
def test_the_assignee_must_be_a_pm_or_team_member_of_the_project(cast, role_name):
    with pytest.raises(InvalidInput) as error:
        new_task(cast.pm, cast.project, assignee=cast.by_name(role_name))
    assert error.value.field == "assignee"


def test_a_task_of_someone_who_left_the_team_can_still_be_edited(cast):
    from projects.services import membership_remove

    task = new_task(cast.pm, cast.project, "Handover", assignee=cast.teammate)
    membership_remove(actor=cast.pm, membership=cast.project.memberships.get(user=cast.teammate))
    task = task_update(actor=cast.pm, task=task, changes={"name": "Handover notes"})
    assert (task.name, task.assignee) == ("Handover notes", cast.teammate)
    with pytest.raises(InvalidInput):
        task_update(
            actor=cast.pm, task=new_task(cast.pm, cast.project), changes={"assignee": cast.teammate}
        )


def test_a_team_member_reports_progress_on_their_own_task(cast):
    task = new_task(cast.pm, cast.project, assignee=cast.teammate)
    task = task_update(
        actor=cast.teammate,
        task=task,
        changes={
            "status": Task.Status.IN_PROGRESS,
            "percent_complete": 30,
            "actual_hours": Decimal("4.5"),
        },
    )
    task.refresh_from_db()
    assert (task.status, task.percent_complete, task.actual_hours) == (
        Task.Status.IN_PROGRESS,
        30,
        Decimal("4.5"),
    )
    assert task.history.first().history_user == cast.teammate


@pytest.mark.parametrize(
    "changes",
    [{"name": "Renamed"}, {"due_date": date(2030, 1, 1)}, {"assignee": None}],
)
def test_a_team_member_changes_nothing_but_progress_on_their_own_task(cast, changes):
    task = new_task(cast.pm, cast.project, "Original", assignee=cast.teammate)
    with pytest.raises(NotAllowed):
        task_update(actor=cast.teammate, task=task, changes=changes)
    task.refresh_from_db()
    assert (task.name, task.due_date, task.assignee) == ("Original", None, cast.teammate)


@pytest.mark.parametrize(
    "role_name", ["teammate", "am", "client_admin", "rep", "viewer", "outsider", "staff_admin"]
)
def test_nobody_but_the_pm_updates_a_task_not_assigned_to_them(cast, role_name):
    task = new_task(cast.pm, cast.project, assignee=cast.pm)
    with pytest.raises(NotAllowed):
        task_update(actor=cast.by_name(role_name), task=task, changes={"percent_complete": 50})
    task.refresh_from_db()
    assert task.percent_complete == 0


def test_only_the_pm_deletes_a_task(cast):
    task = new_task(cast.pm, cast.project, assignee=cast.teammate)
    with pytest.raises(NotAllowed):
        task_delete(actor=cast.teammate, task=task)
    task_delete(actor=cast.pm, task=task)
    assert not Task.objects.exists()


def test_a_task_with_subtasks_is_not_deleted(cast):
    parent = new_task(cast.pm, cast.project, "Parent")
    new_task(cast.pm, cast.project, "Child", parent=parent)
    with pytest.raises(InvalidTransition):
        task_delete(actor=cast.pm, task=parent)
    assert Task.objects.count() == 2


# --- Services: dependencies -----------------------------------------------------------------------


def test_a_dependency_that_closes_a_cycle_is_refused_with_the_cycle_named(cast):
    a = new_task(cast.pm, cast.project, "A")
    b = new_task(cast.pm, cast.project, "B")
    dependency_add(actor=cast.pm, predecessor=a, successor=b)
    with pytest.raises(InvalidInput) as error:
        dependency_add(actor=cast.pm, predecessor=b, successor=a)
    assert str(error.value.message) == "These dependencies make a cycle: B → A → B."
    assert TaskDependency.objects.count() == 1


def test_a_longer_cycle_is_named_from_the_new_dependency(cast):
    design = new_task(cast.pm, cast.project, "Design")
    build = new_task(cast.pm, cast.project, "Build")
    test = new_task(cast.pm, cast.project, "Test")
    dependency_add(actor=cast.pm, predecessor=design, successor=build)
    dependency_add(actor=cast.pm, predecessor=build, successor=test)
    with pytest.raises(InvalidInput) as error:
        dependency_add(actor=cast.pm, predecessor=test, successor=design)
    assert str(error.value.message) == (
        "These dependencies make a cycle: Test → Design → Build → Test."
    )


def test_a_dependency_across_projects_is_refused(cast):
    from tests.factories import add_member

    add_member(cast.other_project, cast.pm, "pm")
    here = new_task(cast.pm, cast.project, "Here")
    there = new_task(cast.pm, cast.other_project, "There")
    with pytest.raises(InvalidInput) as error:
        dependency_add(actor=cast.pm, predecessor=there, successor=here)
    assert str(error.value.message) == "A task can only depend on a task of the same project."
    assert not TaskDependency.objects.exists()


def test_a_task_cannot_depend_on_itself_or_twice_on_the_same_task(cast):
    a = new_task(cast.pm, cast.project, "A")
    b = new_task(cast.pm, cast.project, "B")
    with pytest.raises(InvalidInput):
        dependency_add(actor=cast.pm, predecessor=a, successor=a)
    dependency_add(actor=cast.pm, predecessor=a, successor=b)
    with pytest.raises(Conflict):
        dependency_add(actor=cast.pm, predecessor=a, successor=b)


@pytest.mark.parametrize("role_name", ["teammate", "am", "rep", "staff_admin"])
def test_only_the_pm_adds_or_removes_dependencies(cast, role_name):
    a = new_task(cast.pm, cast.project, "A", assignee=cast.teammate)
    b = new_task(cast.pm, cast.project, "B", assignee=cast.teammate)
    with pytest.raises(NotAllowed):
        dependency_add(actor=cast.by_name(role_name), predecessor=a, successor=b)
    link = dependency_add(actor=cast.pm, predecessor=a, successor=b)
    with pytest.raises(NotAllowed):
        dependency_remove(actor=cast.by_name(role_name), dependency=link)
    dependency_remove(actor=cast.pm, dependency=link)
    assert not TaskDependency.objects.exists()


# --- Selectors ------------------------------------------------------------------------------------


def test_wbs_numbers_follow_the_tree(cast):
    one = new_task(cast.pm, cast.project, "One")
    two = new_task(cast.pm, cast.project, "Two")
    one_one = new_task(cast.pm, cast.project, "One.one", parent=one)
    one_two = new_task(cast.pm, cast.project, "One.two", parent=one)
    one_two_one = new_task(cast.pm, cast.project, "One.two.one", parent=one_two)
    assert task_wbs_numbers(project=cast.project) == {
        one.pk: "1",
        two.pk: "2",
        one_one.pk: "1.1",
        one_two.pk: "1.2",
        one_two_one.pk: "1.2.1",
    }


def _visibility_mix(cast):
    """A client-visible task, an internal one, and a client-visible one under an internal
    milestone (which the client must not see either)."""
    internal_milestone = milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="Internal gate",
        due_date=date(2027, 2, 1),
        visibility=Visibility.INTERNAL,
    )
    shown = new_task(
        cast.pm,
        cast.project,
        "Shown to client",
        visibility=Visibility.CLIENT,
        start_date=START,
        due_date=date(2027, 1, 8),
    )
    hidden = new_task(
        cast.pm,
        cast.project,
        "Secret vendor switch",
        start_date=START,
        due_date=date(2027, 1, 6),
    )
    under_internal = new_task(
        cast.pm,
        cast.project,
        "Hidden by its milestone",
        visibility=Visibility.CLIENT,
        milestone=internal_milestone,
        start_date=START,
        due_date=date(2027, 1, 5),
    )
    dependency_add(actor=cast.pm, predecessor=hidden, successor=shown)
    return shown, hidden, under_internal


@pytest.mark.parametrize("role_name", ["client_admin", "rep", "viewer"])
def test_clients_see_only_client_visible_tasks(cast, role_name):
    shown, _hidden, _under = _visibility_mix(cast)
    visible = list(task_list_for(user=cast.by_name(role_name), project=cast.project))
    assert visible == [shown]
    staff = task_list_for(user=cast.am, project=cast.project)
    assert staff.count() == 3


# --- Pages ----------------------------------------------------------------------------------------


def test_task_list_shows_the_wbs_in_order(cast):
    one = new_task(cast.pm, cast.project, "Design")
    new_task(cast.pm, cast.project, "Deploy")
    new_task(cast.pm, cast.project, "Screens", parent=one)
    new_task(cast.pm, cast.project, "Data model", parent=one)
    page = logged_in(cast.am).get(f"/projects/{cast.project.pk}/tasks/").content.decode()
    order = [page.index(name) for name in ("Design", "Screens", "Data model", "Deploy")]
    assert order == sorted(order)
    for number in ('data-testid="wbs">1<', ">1.1<", ">1.2<", ">2<"):
        assert number in page


def _table(page: str) -> str:
    return page.split('data-testid="task-table"')[1].split("</table>")[0]


def test_task_list_filters_by_status_and_assignee(cast):
    new_task(cast.pm, cast.project, "Mine to do", assignee=cast.teammate)
    new_task(cast.pm, cast.project, "Blocked one", status=Task.Status.BLOCKED)
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/tasks/"
    blocked = _table(client.get(url, {"status": "blocked"}).content.decode())
    assert "Blocked one" in blocked
    assert "Mine to do" not in blocked
    mine = _table(client.get(url, {"assignee": cast.teammate.pk}).content.decode())
    assert "Mine to do" in mine
    assert "Blocked one" not in mine


def test_board_groups_tasks_by_status(cast):
    new_task(cast.pm, cast.project, "Waiting on vendor", status=Task.Status.BLOCKED)
    page = logged_in(cast.teammate).get(f"/projects/{cast.project.pk}/tasks/?view=board")
    content = page.content.decode()
    blocked_column = content.split('data-testid="board-column-blocked"')[1].split("</section>")[0]
    assert "Waiting on vendor" in blocked_column
    todo_column = content.split('data-testid="board-column-todo"')[1].split("</section>")[0]
    assert "Waiting on vendor" not in todo_column


def test_pm_adds_a_task_from_the_page(cast):
    response = logged_in(cast.pm).post(
        f"/projects/{cast.project.pk}/tasks/",
        {
            "name": "Write runbook",
            "assignee": cast.teammate.pk,
            "status": "todo",
            "percent_complete": 0,
            "visibility": "internal",
            "start_date": "2027-01-04",
            "due_date": "2027-01-08",
            "estimate_hours": "16",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.name, task.assignee, task.estimate_hours) == (
        "Write runbook",
        cast.teammate,
        Decimal("16.00"),
    )


def test_a_team_member_cannot_add_a_task_from_the_page(cast):
    response = logged_in(cast.teammate).post(
        f"/projects/{cast.project.pk}/tasks/", {"name": "Mine", "status": "todo"}
    )
    assert response.status_code == 403
    assert not Task.objects.exists()


def test_quick_edit_with_htmx_returns_the_row(cast):
    task = new_task(cast.pm, cast.project, "Wire scanners", assignee=cast.teammate)
    response = logged_in(cast.teammate).post(
        f"/projects/{cast.project.pk}/tasks/{task.pk}/quick/",
        {"status": "done", "percent_complete": "20"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith(f'<tr id="task-{task.pk}"')
    assert '<option value="done" selected>' in content
    task.refresh_from_db()
    assert (task.status, task.percent_complete) == (Task.Status.DONE, 100)


def test_quick_edit_without_javascript_goes_back_to_the_list(cast):
    task = new_task(cast.pm, cast.project, "Wire scanners")
    response = logged_in(cast.pm).post(
        f"/projects/{cast.project.pk}/tasks/{task.pk}/quick/",
        {"status": "in_progress", "percent_complete": "10", "assignee": cast.teammate.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{cast.project.pk}/tasks/"
    task.refresh_from_db()
    assert (task.status, task.percent_complete, task.assignee) == (
        Task.Status.IN_PROGRESS,
        10,
        cast.teammate,
    )


def test_quick_edit_shows_a_refusal_in_the_row(cast):
    task = new_task(cast.pm, cast.project, "Wire scanners")
    response = logged_in(cast.pm).post(
        f"/projects/{cast.project.pk}/tasks/{task.pk}/quick/",
        {"percent_complete": "120"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'data-testid="row-error"' in response.content.decode()
    task.refresh_from_db()
    assert task.percent_complete == 0


def test_a_team_member_cannot_quick_edit_someone_elses_task_or_reassign_their_own(cast):
    others = new_task(cast.pm, cast.project, "PM's task", assignee=cast.pm)
    own = new_task(cast.pm, cast.project, "Own task", assignee=cast.teammate)
    client = logged_in(cast.teammate)
    url = f"/projects/{cast.project.pk}/tasks/{{}}/quick/"
    assert client.post(url.format(others.pk), {"status": "done"}).status_code == 403
    client.post(url.format(own.pk), {"assignee": cast.pm.pk}, HTTP_HX_REQUEST="true")
    others.refresh_from_db()
    own.refresh_from_db()
    assert others.status == Task.Status.TODO
    assert own.assignee == cast.teammate


def test_the_list_offers_quick_edit_only_where_allowed(cast):
    new_task(cast.pm, cast.project, "Own", assignee=cast.teammate)
    new_task(cast.pm, cast.project, "Not mine", assignee=cast.pm)
    page = logged_in(cast.teammate).get(f"/projects/{cast.project.pk}/tasks/").content.decode()
    assert page.count("hx-post=") == 1
    assert 'name="assignee" form=' not in page  # only the PM reassigns


def test_dependency_cycle_from_the_task_page_shows_the_message(cast):
    a = new_task(cast.pm, cast.project, "Alpha")
    b = new_task(cast.pm, cast.project, "Beta")
    dependency_add(actor=cast.pm, predecessor=a, successor=b)
    response = logged_in(cast.pm).post(
        f"/projects/{cast.project.pk}/tasks/{a.pk}/dependencies/",
        {"predecessor": b.pk},
    )
    assert response.status_code == 400
    assert "These dependencies make a cycle: Beta → Alpha → Beta." in response.content.decode()
    assert TaskDependency.objects.count() == 1


def test_pm_edits_and_deletes_a_task_from_its_page(cast):
    task = new_task(cast.pm, cast.project, "Draft")
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/tasks/{task.pk}/"
    response = client.post(
        url,
        {
            "name": "Final",
            "status": "blocked",
            "percent_complete": 5,
            "visibility": "client",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.name, task.status, task.visibility) == ("Final", "blocked", "client")
    assert client.post(url + "delete/", {}).status_code == 302
    assert not Task.objects.exists()


# --- CSV ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain name", "Plain name"),
        (None, ""),
        (12, "12"),
    ],
)
def test_spreadsheet_safe_neutralises_formulas(value, expected):
    assert spreadsheet_safe(value) == expected


def test_csv_export_neutralises_formula_injection(cast):
    evil = new_task(cast.pm, cast.project, '=HYPERLINK("http://evil.test","Click")')
    new_task(cast.pm, cast.project, "@cmd", parent=evil)
    response = logged_in(cast.am).get(f"/projects/{cast.project.pk}/tasks.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["WBS", "Name", "Status"]
    assert rows[1][:2] == ["1", '\'=HYPERLINK("http://evil.test","Click")']
    assert rows[2][:2] == ["1.1", "'@cmd"]
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


# --- Timeline -------------------------------------------------------------------------------------


def _gantt_svg(content: str) -> str:
    """The Gantt chart of a timeline page (projects/_gantt.html)."""
    return content.split('data-testid="gantt"', 1)[1].split("</figure>", 1)[0]


def _gantt_bars(chart: str) -> dict[str, str]:
    """Each bar group of the chart by its key ("t12", "m3"): its markup."""
    bars = {}
    for part in chart.split('<g class="bar-wrapper ')[1:]:
        key = part.split('data-id="', 1)[1].split('"', 1)[0]
        bars[key] = part.split("</g>", 1)[0]
    return bars


def test_staff_timeline_shows_tasks_milestones_critical_and_slack(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Go-live", due_date=date(2027, 1, 20)
    )
    from projects.services.milestones import milestone_update

    milestone_update(actor=cast.pm, milestone=milestone, name="Go-live", due_date=date(2027, 1, 27))
    long = new_task(cast.pm, cast.project, "Long", start_date=START, due_date=date(2027, 1, 10))
    short = new_task(cast.pm, cast.project, "Short", start_date=START, due_date=date(2027, 1, 5))
    after = new_task(cast.pm, cast.project, "After", start_date=START, due_date=date(2027, 1, 12))
    dependency_add(actor=cast.pm, predecessor=long, successor=after)
    new_task(cast.pm, cast.project, "Undated")
    response = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/timeline/")
    content = response.content.decode()
    chart = _gantt_svg(content)
    bars = _gantt_bars(chart)
    assert f'data-from="t{long.pk}" data-to="t{after.pk}"' in chart
    assert bars[f"t{long.pk}"].startswith("gantt-critical")
    assert bars[f"t{short.pk}"].startswith("gantt-task")
    # In working days (Monday to Friday): Long lasts 5 (Jan 4-8), After 7 (Jan 4-8, 11, 12),
    # so After runs Jan 11 to Jan 19 after Long; the tasks finish on Jan 19 (working day 11
    # from Jan 4), so Short (done on Jan 5, day 1) has 11 - 1 = 10 working days of slack
    # (14 calendar days before calendars).
    assert ">Short · slack 10 d</text>" in bars[f"t{short.pk}"]
    assert ">Go-live (baseline Jan 20, 2027)</text>" in bars[f"m{milestone.pk}"]
    assert bars[f"m{milestone.pk}"].startswith("gantt-milestone")
    assert (
        "<title>Go-live: Due Jan 27, 2027, baseline Jan 20, 2027</title>"
        in bars[f"m{milestone.pk}"]
    )
    assert "1 task without a start and due date is not on the timeline." in content
    assert "frappe-gantt" not in content
    table = content.split('data-testid="timeline-table"')[1]
    short_row = table.split(f'data-key="t{short.pk}"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-testid="slack">10</td>' in short_row


@pytest.mark.parametrize("role_name", ["client_admin", "rep", "viewer"])
def test_internal_tasks_never_reach_the_portal_timeline(cast, role_name):
    shown, _hidden, _under_internal = _visibility_mix(cast)
    response = logged_in(cast.by_name(role_name)).get(
        f"/portal/projects/{cast.project.pk}/timeline/"
    )
    content = response.content.decode()
    assert response.status_code == 200
    chart = _gantt_svg(content)
    assert list(_gantt_bars(chart)) == [f"t{shown.pk}"]
    assert "data-from=" not in chart  # its predecessor is internal
    for secret in ("Secret vendor switch", "Hidden by its milestone", "Internal gate"):
        assert secret not in content


def test_timeline_names_are_data_not_markup(cast):
    new_task(
        cast.pm,
        cast.project,
        "<img src=x onerror=alert(1)>",
        start_date=START,
        due_date=START,
    )
    content = logged_in(cast.pm).get(f"/projects/{cast.project.pk}/timeline/").content.decode()
    assert "<img src=x" not in content
    assert "<title>&lt;img src=x onerror=alert(1)&gt;: " in _gantt_svg(content)


# --- API ------------------------------------------------------------------------------------------


def api_url(cast, suffix: str = "") -> str:
    return f"/api/v1/projects/{cast.project.pk}/tasks/{suffix}"


def test_api_lists_tasks_with_filters(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Gate", due_date=date(2027, 2, 1)
    )
    first = new_task(cast.pm, cast.project, "First", assignee=cast.teammate, milestone=milestone)
    second = new_task(cast.pm, cast.project, "Second", status=Task.Status.BLOCKED)
    dependency_add(actor=cast.pm, predecessor=first, successor=second)
    client = logged_in(cast.pm)
    everything = client.get(api_url(cast)).json()
    assert [row["name"] for row in everything["results"]] == ["First", "Second"]
    assert everything["results"][1]["predecessors"] == [first.pk]
    by_status = client.get(api_url(cast), {"status": "blocked"}).json()["results"]
    assert [row["id"] for row in by_status] == [second.pk]
    by_assignee = client.get(api_url(cast), {"assignee": cast.teammate.pk}).json()["results"]
    assert [row["id"] for row in by_assignee] == [first.pk]
    by_milestone = client.get(api_url(cast), {"milestone": milestone.pk}).json()["results"]
    assert [row["id"] for row in by_milestone] == [first.pk]


@pytest.mark.parametrize("page_size", [2, 50])
def test_api_lists_each_task_s_predecessors_in_the_order_they_were_linked(cast, page_size):
    first, second, third = (new_task(cast.pm, cast.project, name) for name in "ABC")
    dependency_add(actor=cast.pm, predecessor=second, successor=third)
    dependency_add(actor=cast.pm, predecessor=first, successor=third)
    dependency_add(actor=cast.pm, predecessor=first, successor=second)
    client = logged_in(cast.pm)
    pages = (1, 2) if page_size == 2 else (1,)
    listed = [
        task
        for page in pages
        for task in client.get(api_url(cast), {"page_size": page_size, "page": page}).json()[
            "results"
        ]
    ]
    assert {task["id"]: task["predecessors"] for task in listed} == {
        first.pk: [],
        second.pk: [first.pk],
        third.pk: [second.pk, first.pk],
    }


@pytest.mark.parametrize("role_name", ["client_admin", "rep", "viewer"])
def test_api_shows_clients_only_client_visible_tasks_and_schedule(cast, role_name):
    shown, hidden, under_internal = _visibility_mix(cast)
    client = logged_in(cast.by_name(role_name))
    listed = client.get(api_url(cast)).json()["results"]
    assert [row["id"] for row in listed] == [shown.pk]
    assert listed[0]["predecessors"] == []
    assert client.get(api_url(cast, f"{hidden.pk}/")).status_code == 404
    assert client.get(api_url(cast, f"{under_internal.pk}/")).status_code == 404
    schedule = client.get(f"/api/v1/projects/{cast.project.pk}/schedule/")
    assert [row["task"] for row in schedule.json()["tasks"]] == [shown.pk]
    assert "Secret" not in schedule.content.decode()


def test_api_does_not_name_an_internal_parent_to_clients(cast):
    parent = new_task(cast.pm, cast.project, "Internal parent")
    child = new_task(
        cast.pm, cast.project, "Visible child", parent=parent, visibility=Visibility.CLIENT
    )
    [row] = logged_in(cast.rep).get(api_url(cast)).json()["results"]
    assert (row["id"], row["parent"]) == (child.pk, None)
    assert logged_in(cast.rep).get(api_url(cast, f"{child.pk}/")).json()["parent"] is None
    staff = logged_in(cast.teammate).get(api_url(cast, f"{child.pk}/")).json()
    assert staff["parent"] == parent.pk


def test_api_schedule_gives_the_critical_path_figures(cast):
    a = new_task(cast.pm, cast.project, "A", start_date=START, due_date=date(2027, 1, 6))
    b = new_task(cast.pm, cast.project, "B", start_date=START, due_date=date(2027, 1, 5))
    dependency_add(actor=cast.pm, predecessor=a, successor=b)
    body = logged_in(cast.am).get(f"/api/v1/projects/{cast.project.pk}/schedule/").json()
    assert body["finish"] == "2027-01-08"
    assert body["tasks"] == [
        {
            "task": a.pk,
            "name": "A",
            "duration": 3,
            "early_start": "2027-01-04",
            "early_finish": "2027-01-06",
            "late_start": "2027-01-04",
            "late_finish": "2027-01-06",
            "slack": 0,
            "is_critical": True,
            "is_summary": False,
            "owner_side": "team",
        },
        {
            "task": b.pk,
            "name": "B",
            "duration": 2,
            "early_start": "2027-01-07",
            "early_finish": "2027-01-08",
            "late_start": "2027-01-07",
            "late_finish": "2027-01-08",
            "slack": 0,
            "is_critical": True,
            "is_summary": False,
            "owner_side": "team",
        },
    ]


def test_api_pm_creates_and_links_tasks_and_is_told_about_a_cycle(cast):
    client = logged_in(cast.pm)
    first = client.post(
        api_url(cast),
        {"name": "Build", "assignee": cast.teammate.pk, "estimate_hours": "8"},
        content_type="application/json",
    )
    assert first.status_code == 201
    assert first.json()["visibility"] == "internal"
    second = client.post(api_url(cast), {"name": "Ship"}, content_type="application/json")
    first_id, second_id = first.json()["id"], second.json()["id"]
    linked = client.post(
        api_url(cast, f"{second_id}/dependencies/"),
        {"predecessor": first_id},
        content_type="application/json",
    )
    assert linked.status_code == 201
    cycle = client.post(
        api_url(cast, f"{first_id}/dependencies/"),
        {"predecessor": second_id},
        content_type="application/json",
    )
    assert cycle.status_code == 400
    assert cycle.json()["predecessor"] == ["These dependencies make a cycle: Ship → Build → Ship."]
    removed = client.delete(api_url(cast, f"{second_id}/dependencies/{first_id}/"))
    assert removed.status_code == 204
    assert not TaskDependency.objects.exists()


def test_api_refuses_an_assignee_from_outside_the_team(cast):
    response = logged_in(cast.pm).post(
        api_url(cast), {"name": "X", "assignee": cast.rep.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "assignee" in response.json()
    assert not Task.objects.exists()


def test_api_team_member_updates_progress_of_own_task_only(cast):
    own = new_task(cast.pm, cast.project, "Own", assignee=cast.teammate)
    other = new_task(cast.pm, cast.project, "Other", assignee=cast.pm)
    client = logged_in(cast.teammate)
    ok = client.patch(
        api_url(cast, f"{own.pk}/"),
        {"status": "done", "actual_hours": "3.5"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert (ok.json()["percent_complete"], ok.json()["actual_hours"]) == (100, "3.50")
    renamed = client.patch(
        api_url(cast, f"{own.pk}/"), {"name": "Mine now"}, content_type="application/json"
    )
    assert renamed.status_code == 403
    refused = client.patch(
        api_url(cast, f"{other.pk}/"), {"percent_complete": 50}, content_type="application/json"
    )
    assert refused.status_code == 403
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.name, other.percent_complete) == ("Own", 0)


@pytest.mark.parametrize(
    ("role_name", "expected"),
    [("client_admin", 403), ("rep", 403), ("viewer", 403), ("other_client_rep", 404)],
)
def test_api_clients_cannot_write_tasks(cast, role_name, expected):
    task = new_task(cast.pm, cast.project, "Visible", visibility=Visibility.CLIENT)
    client = logged_in(cast.by_name(role_name))
    assert (
        client.patch(
            api_url(cast, f"{task.pk}/"), {"percent_complete": 90}, content_type="application/json"
        ).status_code
        == expected
    )
    assert client.delete(api_url(cast, f"{task.pk}/")).status_code == expected
    assert (
        client.post(api_url(cast), {"name": "Mine"}, content_type="application/json").status_code
        == expected
    )
    task.refresh_from_db()
    assert task.percent_complete == 0
    assert Task.objects.count() == 1


# --- Query counts ---------------------------------------------------------------------------------


def _grow(cast, count: int) -> None:
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Gate", due_date=date(2027, 3, 1)
    )
    previous = None
    parent = None
    for index in range(count):
        task = new_task(
            cast.pm,
            cast.project,
            f"Task {index}",
            assignee=cast.teammate if index % 2 else cast.pm,
            milestone=milestone if index % 3 else None,
            parent=parent if index % 4 else None,
            visibility=Visibility.CLIENT if index % 2 else Visibility.INTERNAL,
            start_date=START,
            due_date=date(2027, 1, 4 + index % 20),
            estimate_hours=Decimal(8),
        )
        if index % 4 == 0:
            parent = task
        if previous is not None and index % 2:
            dependency_add(actor=cast.pm, predecessor=previous, successor=task)
        previous = task


@pytest.mark.parametrize(
    ("role_name", "url_template"),
    [
        ("pm", "/projects/{}/tasks/"),
        ("teammate", "/projects/{}/tasks/"),
        ("pm", "/projects/{}/tasks/?view=board"),
        ("pm", "/projects/{}/tasks.csv"),
        ("pm", "/projects/{}/timeline/"),
        ("rep", "/portal/projects/{}/timeline/"),
        ("pm", "/api/v1/projects/{}/tasks/"),
        ("rep", "/api/v1/projects/{}/tasks/"),
        ("pm", "/api/v1/projects/{}/schedule/"),
    ],
)
def test_task_pages_and_api_keep_a_constant_number_of_queries(cast, role_name, url_template):
    client = logged_in(cast.by_name(role_name))
    url = url_template.format(cast.project.pk)
    _grow(cast, 5)
    # Warm: the schedule's working calendar is cached once built.
    few = count_queries(client, url, warm=True)
    _grow(cast, 45)
    assert Task.objects.count() == 50
    assert count_queries(client, url) == few


def test_saving_a_task_keeps_an_assignee_who_left_the_team(cast):
    from projects.services import membership_remove

    task = new_task(cast.pm, cast.project, "Handover", assignee=cast.teammate)
    membership_remove(actor=cast.pm, membership=cast.project.memberships.get(user=cast.teammate))
    client = logged_in(cast.pm)
    page = client.get(f"/projects/{cast.project.pk}/tasks/").content.decode()
    assert f'<option value="{cast.teammate.pk}" selected>Tina Team</option>' in page
    quick = client.post(
        f"/projects/{cast.project.pk}/tasks/{task.pk}/quick/",
        {"status": "blocked", "percent_complete": "0", "assignee": cast.teammate.pk},
    )
    assert quick.status_code == 302
    response = client.post(
        f"/projects/{cast.project.pk}/tasks/{task.pk}/",
        {
            "name": "Handover notes",
            "assignee": cast.teammate.pk,
            "status": "blocked",
            "percent_complete": 0,
            "visibility": "internal",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.name, task.status, task.assignee) == ("Handover notes", "blocked", cast.teammate)


def test_task_page_keeps_a_constant_number_of_queries(cast):
    client = logged_in(cast.pm)
    _grow(cast, 5)
    task = new_task(cast.pm, cast.project, "Final check", assignee=cast.teammate)
    dependency_add(actor=cast.pm, predecessor=Task.objects.first(), successor=task)
    url = f"/projects/{cast.project.pk}/tasks/{task.pk}/"
    few = count_queries(client, url, warm=True)
    _grow(cast, 45)
    for other in Task.objects.exclude(pk=task.pk).order_by("-pk")[:20]:
        dependency_add(actor=cast.pm, predecessor=other, successor=task)
    task_update(actor=cast.pm, task=task, changes={"percent_complete": 10})
    assert count_queries(client, url, warm=True) == few


@pytest.mark.parametrize("role_name", ["outsider", "other_client_rep"])
def test_outsiders_cannot_reach_a_task_at_all(cast, role_name):
    task = new_task(cast.pm, cast.project, "Private", visibility=Visibility.CLIENT)
    client = logged_in(cast.by_name(role_name))
    assert client.get(api_url(cast, f"{task.pk}/")).status_code == 404
    assert (
        client.patch(
            api_url(cast, f"{task.pk}/"), {"percent_complete": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    quick = client.post(f"/projects/{cast.project.pk}/tasks/{task.pk}/quick/", {"status": "done"})
    assert quick.status_code == (404 if role_name == "outsider" else 302)  # clients: to portal
    task.refresh_from_db()
    assert task.status == Task.Status.TODO


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.parametrize("page", [0, 190])
def test_a_page_of_a_long_task_list_is_read_in_plan_order_from_its_index(cast, page):
    """With 4,000 tasks, a page of the list (the first or one far down) walks the index on
    (project, position, id) instead of sorting every task of the project."""
    Task.objects.bulk_create(
        Task(project=cast.project, name=f"Task {n}", position=n) for n in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_task")
    tasks = task_list_for(user=cast.pm, project=cast.project)[page * 20 : page * 20 + 20]
    plan = tasks.explain()
    assert "task_project_outline_idx" in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_outline_of_a_long_task_list_is_read_from_its_index_alone(cast):
    """The outline's query (ids, parents, whether dated) of 4,000 tasks reads the index that
    holds those columns, in its order, and not the table (once vacuumed, as autovacuum keeps
    a table)."""
    from django.test.utils import CaptureQueriesContext

    Task.objects.bulk_create(
        Task(project=cast.project, name=f"Task {n}", position=n) for n in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE projects_task")
    with CaptureQueriesContext(connection) as queries:
        outline = task_outline_for(user=cast.pm, project=cast.project)
    assert len(outline) == 4000
    (sql,) = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "projects_task"' in query["sql"] and '"parent_id"' in query["sql"]
    ]
    with connection.cursor() as cursor:
        # The table holds this project's tasks alone, which it would read whole and sort; a
        # project among thousands is read from the index (rapport_bench_10000: 8.7 ms → 2.0).
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "Index Only Scan using task_project_outline_idx" in plan, plan
    assert "Sort" not in plan, plan


def test_a_long_task_list_is_shown_a_page_at_a_time_and_the_board_column_by_its_first_cards(cast):
    """130 tasks: the list shows 100 in WBS order, then 30 on page 2 (the filters kept in the
    links); the board shows 50 cards of a column and how many more the list holds."""
    from projects.views.tasks import BOARD_COLUMN_CARDS, TASK_PAGE_SIZE

    Task.objects.bulk_create(
        Task(project=cast.project, name=f"Long {n:03}", position=n, status=Task.Status.TODO)
        for n in range(130)
    )
    client = logged_in(cast.pm)
    url = f"/projects/{cast.project.pk}/tasks/"

    first = client.get(url, {"status": "todo"}).content.decode()
    second = client.get(url, {"status": "todo", "page": 2}).content.decode()

    assert _table(first).count('data-testid="task-row"') == TASK_PAGE_SIZE == 100
    assert _table(second).count('data-testid="task-row"') == 30
    shown = re.findall(r">Long (\d{3})<", _table(first) + _table(second))
    assert shown == [f"{n:03}" for n in range(130)]
    assert "?status=todo&amp;page=2" in first
    board = client.get(url, {"view": "board"}).content.decode()
    todo = board.split('data-testid="board-column-todo"')[1].split("</section>")[0]
    assert todo.count('data-testid="board-card"') == BOARD_COLUMN_CARDS == 50
    assert '<span class="badge text-bg-light">130</span>' in todo
    assert "80 more tasks: see the list" in todo
    assert 'href="?status=todo"' in todo


def test_the_task_forms_choices_come_in_one_query_in_their_order(cast, django_assert_num_queries):
    from datetime import date as day

    from projects.models import BudgetChange, Milestone, Visibility
    from projects.selectors.tasks import task_form_choices_for

    late = Milestone.objects.create(project=cast.project, name="Go-live", due_date=day(2031, 5, 1))
    early = Milestone.objects.create(
        project=cast.project, name="Pilot", due_date=day(2031, 2, 1), visibility=Visibility.INTERNAL
    )
    first = BudgetChange.objects.create(
        project=cast.project, change_reference="CR-2", title="Scanners"
    )
    second = BudgetChange.objects.create(
        project=cast.project, change_reference="CR-1", title="Labels"
    )

    cast.pm.project_roles  # noqa: B018 (read with the person on a page)
    with django_assert_num_queries(1):
        milestones, changes = task_form_choices_for(user=cast.pm, project=cast.project)

    assert milestones == [(early.pk, "Pilot"), (late.pk, "Go-live")]
    assert changes == [(first.pk, "CR-2 Scanners"), (second.pk, "CR-1 Labels")]
    # A client sees the client-visible milestones only.
    assert task_form_choices_for(user=cast.rep, project=cast.project)[0] == [(late.pk, "Go-live")]
    assert task_form_choices_for(user=cast.other_client_rep, project=cast.project) == ([], [])
