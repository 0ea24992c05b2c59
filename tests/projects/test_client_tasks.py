"""Tasks of the client's: the client's duties in the plan (provide data, test, sign). The PM plans
them like any task; they are client-visible and assigned to a client admin or representative (or
to no one); the client reports their progress from "what needs my decision"; they sit on the
critical path; when late, the days count as waited on the client."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import InvalidInput, NotAllowed
from portal.decisions import waiting_items_for
from projects.models import Milestone, Task, Visibility
from projects.selectors.tasks import project_schedule, timeline_for
from projects.services.tasks import dependency_add, task_create, task_update
from projects.waits import Party, delay_share_for
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

CLIENT = Task.OwnerSide.CLIENT


def _client_task(cast, name="Provide the item master data", **values):
    values.setdefault("visibility", Visibility.CLIENT)
    values.setdefault("assignee", cast.rep)
    return task_create(actor=cast.pm, project=cast.project, name=name, owner_side=CLIENT, **values)


def test_a_task_of_the_clients_is_visible_to_the_client_and_done_by_its_people(cast):
    with pytest.raises(InvalidInput) as internal:
        _client_task(cast, visibility=Visibility.INTERNAL)
    assert internal.value.field == "visibility"
    with pytest.raises(InvalidInput) as team_member:
        _client_task(cast, assignee=cast.teammate)
    assert team_member.value.field == "assignee"
    assert "client admin or representative" in str(team_member.value.message)
    with pytest.raises(InvalidInput) as viewer:
        _client_task(cast, assignee=cast.viewer)
    assert viewer.value.field == "assignee"
    secret = Milestone.objects.create(
        project=cast.project,
        name="Vendor switch",
        due_date=date(2027, 3, 1),
        visibility=Visibility.INTERNAL,
    )
    with pytest.raises(InvalidInput) as milestone:
        _client_task(cast, milestone=secret)
    assert milestone.value.field == "milestone"
    # And a team task is never assigned to a client person.
    with pytest.raises(InvalidInput) as rep:
        task_create(actor=cast.pm, project=cast.project, name="Build", assignee=cast.rep)
    assert rep.value.field == "assignee"
    assert not Task.objects.filter(project=cast.project).exists()

    shared = _client_task(cast, assignee=None)
    theirs = _client_task(cast, name="Sign the test report", assignee=cast.client_admin)
    assert (shared.owner_side, shared.assignee, theirs.assignee) == (
        CLIENT,
        None,
        cast.client_admin,
    )


def test_the_client_reports_progress_on_its_own_tasks_only(cast):
    task = _client_task(cast)
    shared = _client_task(cast, name="Test the pilot", assignee=None)
    admins = _client_task(cast, name="Sign the test report", assignee=cast.client_admin)
    team_task = task_create(
        actor=cast.pm, project=cast.project, name="Build", visibility=Visibility.CLIENT
    )

    task = task_update(actor=cast.rep, task=task, changes={"percent_complete": 40})
    assert task.percent_complete == 40
    with pytest.raises(NotAllowed):  # the plan stays the PM's
        task_update(actor=cast.rep, task=task, changes={"due_date": date(2027, 5, 1)})
    with pytest.raises(NotAllowed):
        task_update(actor=cast.rep, task=task, changes={"actual_hours": 3})
    task_update(actor=cast.client_admin, task=shared, changes={"status": Task.Status.IN_PROGRESS})
    for person, other in [
        (cast.rep, admins),
        (cast.rep, team_task),
        (cast.viewer, shared),
        (cast.other_client_rep, shared),
        (cast.teammate, shared),
    ]:
        with pytest.raises(NotAllowed):
            task_update(actor=person, task=other, changes={"status": Task.Status.DONE})
    assert Task.objects.filter(status=Task.Status.DONE).count() == 0


def test_what_needs_my_decision_lists_them_and_marks_them_done(cast):
    today = timezone.localdate()
    due_soon = _client_task(cast, start_date=today - timedelta(days=3), due_date=today)
    shared = _client_task(
        cast, name="Test the pilot", assignee=None, start_date=today + timedelta(days=10)
    )
    _client_task(  # starts in more than two weeks: not yet
        cast,
        name="Sign the acceptance",
        start_date=today + timedelta(days=30),
        due_date=today + timedelta(days=31),
    )
    admins = _client_task(cast, name="Another's duty", assignee=cast.client_admin)
    task_create(actor=cast.pm, project=cast.project, name="Secret", visibility=Visibility.INTERNAL)

    keys = [item.key for item in waiting_items_for(user=cast.rep)]
    assert keys == [f"client_task:{due_soon.pk}", f"client_task:{shared.pk}"]
    # Oldest first: the admin's task has no start and waits since it was planned (now).
    assert [item.key for item in waiting_items_for(user=cast.client_admin)] == [
        f"client_task:{admins.pk}",
        f"client_task:{shared.pk}",
    ]
    assert waiting_items_for(user=cast.viewer) == []
    assert waiting_items_for(user=cast.other_client_rep) == []

    client = logged_in(cast.rep)
    home = client.get(reverse("portal:home")).content.decode()
    assert "Your side&#x27;s task: Provide the item master data" in home
    assert "Sign the acceptance" not in home
    assert "Secret" not in home
    response = client.post(
        reverse(
            "portal:decision_act",
            kwargs={"project_id": cast.project.pk, "kind": "client_task", "item_id": due_soon.pk},
        )
    )
    assert response.status_code == 302
    due_soon.refresh_from_db()
    assert (due_soon.status, due_soon.percent_complete) == (Task.Status.DONE, 100)
    assert due_soon.completed_at is not None
    assert f"client_task:{due_soon.pk}" not in {i.key for i in waiting_items_for(user=cast.rep)}

    # The other client cannot act on it, even knowing its number.
    refused = logged_in(cast.other_client_rep).post(
        reverse(
            "portal:decision_act",
            kwargs={"project_id": cast.project.pk, "kind": "client_task", "item_id": shared.pk},
        )
    )
    assert refused.status_code == 404
    shared.refresh_from_db()
    assert shared.status == Task.Status.TODO


def test_on_the_critical_path_and_named_as_the_clients_on_the_timeline(cast):
    build = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Build",
        visibility=Visibility.CLIENT,
        start_date=date(2027, 1, 4),
        due_date=date(2027, 1, 8),
    )
    test = _client_task(
        cast, name="Test the pilot", start_date=date(2027, 1, 11), due_date=date(2027, 1, 15)
    )
    dependency_add(actor=cast.pm, predecessor=build, successor=test)

    assert project_schedule(project=cast.project).critical_ids == {build.pk, test.pk}
    rows = {row.name: row for row in timeline_for(user=cast.rep, project=cast.project).rows}
    assert rows["Test the pilot"].assignee == f"Client · {cast.rep.display_name}"
    assert rows["Test the pilot"].client_owned
    assert rows["Test the pilot"].is_critical
    assert rows["Build"].assignee == ""
    body = logged_in(cast.rep).get(f"/api/v1/projects/{cast.project.pk}/schedule/").json()
    assert {row["name"]: (row["owner_side"], row["is_critical"]) for row in body["tasks"]} == {
        "Build": ("team", True),
        "Test the pilot": ("client", True),
    }
    page = logged_in(cast.pm).get(reverse("projects:timeline", args=[cast.project.pk]))
    assert "gantt-critical gantt-client" in page.content.decode()
    tasks = logged_in(cast.pm).get(reverse("projects:tasks", args=[cast.project.pk]))
    assert tasks.content.decode().count('data-testid="client-task"') == 1


def test_a_late_task_of_the_clients_counts_as_waited_on_the_client(cast):
    # Due Monday 8 March 2027, done Thursday 11: late Tuesday, Wednesday and Thursday.
    done_late = _client_task(cast, start_date=date(2027, 3, 1), due_date=date(2027, 3, 8))
    task_update(actor=cast.rep, task=done_late, changes={"status": Task.Status.DONE})
    Task.objects.filter(pk=done_late.pk).update(
        completed_at=datetime(2027, 3, 11, 15, 0, tzinfo=UTC)
    )
    # Due Friday 12 March, still open on Wednesday 17: late Monday 15 to Wednesday 17.
    _client_task(cast, name="Test the pilot", assignee=None, due_date=date(2027, 3, 12))
    # A team task late is slippage, not waiting: not counted.
    task_create(actor=cast.pm, project=cast.project, name="Build", due_date=date(2027, 3, 1))

    share = delay_share_for(cast.project, today=date(2027, 3, 17))

    assert share.client_days == 3 + 3
    assert share.team_days == 0
    late = {item.wait.label: item for item in share.client_late()}
    assert late["Provide the item master data"].days_late == 3
    assert late["Test the pilot"].days_late == 3
    assert late["Test the pilot"].is_open
    assert {item.wait.party for item in share.late} == {Party.CLIENT}
    assert {item.wait.kind_label for item in share.late} == {"Client's task"}
