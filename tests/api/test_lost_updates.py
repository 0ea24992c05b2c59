"""Lost updates refused in the API: a record's ETag is its quoted revision; a PATCH or PUT with
an If-Match that no longer matches is a 409 in the error format and changes nothing; a matching
one is saved and answers the new ETag; without If-Match the change is saved as before. Two
simultaneous saves of the same revision: exactly one wins. The schema documents it all."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection

from common.revisions import EditConflict
from feedback.models import FeedbackTicket
from feedback.services.tickets import ticket_raise
from projects.models import Deliverable, Milestone, Objective, Role, Task, Visibility
from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from projects.services.objectives import objective_create
from projects.services.tasks import task_create
from reports.models import ReportSchedule
from reports.schedule import zone_of
from reports.services.schedules import client_time_zone, schedule_save
from risks.models import Risk
from risks.services.register import risk_create
from stakeholders.models import Requirement
from stakeholders.services.changes import change_request_create
from stakeholders.services.requirements import requirement_create, requirement_update
from tests.helpers import logged_in

JSON = "application/json"


@dataclass(frozen=True)
class Kind:
    name: str
    make: Callable[[Any], Any]
    url: Callable[[Any], str]
    field: str
    read: Callable[[Any], Any]
    has_detail: bool = True
    first: Any = "Saved first"
    second: Any = "Saved second"


def _requirement(cast):
    return requirement_create(
        actor=cast.pm, project=cast.project, title="Scan barcodes", visibility=Visibility.CLIENT
    )


def _milestone(cast):
    return milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2026, 6, 30)
    )


def _schedule(cast):
    return schedule_save(
        actor=cast.pm,
        project=cast.project,
        cadence="weekly",
        weekday=0,
        day_of_month=1,
        hour=9,
        recipient_roles=[Role.CLIENT_ADMIN],
        is_active=True,
    )


def _base(record) -> str:
    return f"/api/v1/projects/{record.project_id}"


KINDS = [
    Kind(
        "requirement",
        _requirement,
        lambda r: f"{_base(r)}/requirements/{r.pk}/",
        "title",
        lambda r: Requirement.objects.get(pk=r.pk).title,
    ),
    Kind(
        "milestone",
        _milestone,
        lambda r: f"{_base(r)}/milestones/{r.pk}/",
        "name",
        lambda r: Milestone.objects.get(pk=r.pk).name,
        has_detail=False,
    ),
    Kind(
        "objective",
        lambda cast: objective_create(actor=cast.pm, project=cast.project, title="Go live"),
        lambda r: f"{_base(r)}/objectives/{r.pk}/",
        "title",
        lambda r: Objective.objects.get(pk=r.pk).title,
        has_detail=False,
    ),
    Kind(
        "task",
        lambda cast: task_create(actor=cast.pm, project=cast.project, name="Set up scanners"),
        lambda r: f"{_base(r)}/tasks/{r.pk}/",
        "name",
        lambda r: Task.objects.get(pk=r.pk).name,
    ),
    Kind(
        "risk",
        lambda cast: risk_create(actor=cast.pm, project=cast.project, title="Vendor late"),
        lambda r: f"{_base(r)}/risks/{r.pk}/",
        "cause",
        lambda r: Risk.objects.get(pk=r.pk).cause,
    ),
    Kind(
        "report schedule",
        _schedule,
        lambda r: f"{_base(r)}/report-schedule/",
        "hour",
        lambda r: ReportSchedule.objects.get(pk=r.pk).hour,
        first=7,
        second=18,
    ),
    Kind(
        "feedback ticket",
        lambda cast: ticket_raise(
            actor=cast.rep, project=cast.project, kind="complaint", title="Slow scans"
        ),
        lambda r: f"{_base(r)}/feedback-tickets/{r.pk}/",
        "severity",
        lambda r: FeedbackTicket.objects.get(pk=r.pk).severity,
        first="low",
        second="critical",
    ),
]
IDS = [kind.name for kind in KINDS]


def _etag(record) -> str:
    record.refresh_from_db()
    return f'"{record.revision}"'


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_stale_if_match_is_a_409_and_changes_nothing(cast, kind):
    record = kind.make(cast)
    client = logged_in(cast.pm)
    opened = _etag(record)
    # Someone else saves meanwhile (no If-Match: saved whatever happened).
    other = client.patch(kind.url(record), {kind.field: kind.first}, content_type=JSON)
    assert other.status_code == 200
    assert other["ETag"] != opened
    assert kind.read(record) == kind.first

    stale = client.patch(
        kind.url(record), {kind.field: kind.second}, content_type=JSON, HTTP_IF_MATCH=opened
    )

    assert stale.status_code == 409
    assert stale.json()["code"] == "edit_conflict"
    assert "Someone else saved this since you opened it" in stale.json()["detail"]
    assert "ETag" not in stale
    assert kind.read(record) == kind.first
    assert _etag(record) == other["ETag"]


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_fresh_if_match_is_saved_and_answers_the_new_etag(cast, kind):
    record = kind.make(cast)
    client = logged_in(cast.pm)
    current = _etag(record)
    if kind.has_detail:
        read = client.get(kind.url(record))
        assert read.status_code == 200
        assert read["ETag"] == current
        assert read.json()["revision"] == int(current.strip('"'))

    saved = client.patch(
        kind.url(record), {kind.field: kind.second}, content_type=JSON, HTTP_IF_MATCH=current
    )

    assert saved.status_code == 200
    assert kind.read(record) == kind.second
    assert saved["ETag"] == _etag(record) != current
    assert saved.json()["revision"] == record.revision
    # A weak tag and `*` match too.
    weak = client.patch(
        kind.url(record),
        {kind.field: kind.first},
        content_type=JSON,
        HTTP_IF_MATCH=f"W/{saved['ETag']}",
    )
    assert weak.status_code == 200
    assert (
        client.patch(
            kind.url(record), {kind.field: kind.second}, content_type=JSON, HTTP_IF_MATCH="*"
        ).status_code
        == 200
    )
    assert kind.read(record) == kind.second


def test_an_if_match_we_did_not_hand_out_is_a_409(cast):
    requirement = _requirement(cast)
    response = logged_in(cast.pm).patch(
        f"{_base(requirement)}/requirements/{requirement.pk}/",
        {"title": "Anything"},
        content_type=JSON,
        HTTP_IF_MATCH='"abc"',
    )
    assert response.status_code == 409
    assert Requirement.objects.get(pk=requirement.pk).title == "Scan barcodes"


def test_a_stale_put_of_the_report_schedule_is_a_409(cast):
    schedule = _schedule(cast)
    client = logged_in(cast.pm)
    opened = _etag(schedule)
    body = {"cadence": "monthly", "hour": 10, "recipient_roles": ["client_admin"]}
    schedule_url = f"{_base(schedule)}/report-schedule/"
    assert client.put(schedule_url, body, content_type=JSON).status_code == 200
    stale = client.put(schedule_url, {**body, "hour": 11}, content_type=JSON, HTTP_IF_MATCH=opened)
    assert stale.status_code == 409
    assert ReportSchedule.objects.get().hour == 10
    fresh = client.put(
        schedule_url, {**body, "hour": 11}, content_type=JSON, HTTP_IF_MATCH=_etag(schedule)
    )
    assert fresh.status_code == 200
    assert fresh.json()["hour"] == 11
    assert fresh["ETag"] == _etag(schedule)


def test_project_and_deliverable_details_carry_their_etag(cast):
    milestone = _milestone(cast)
    deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Pilot report", criteria=["Signed"]
    )
    client = logged_in(cast.rep)
    project = client.get(f"/api/v1/projects/{cast.project.pk}/")
    assert project["ETag"] == _etag(cast.project)
    change_request = change_request_create(actor=cast.pm, project=cast.project, title="More")
    change_request.refresh_from_db()
    read = client.get(f"{_base(change_request)}/change-requests/{change_request.pk}/")
    assert read["ETag"] == f'"{change_request.revision}"'
    detail = client.get(f"{_base(deliverable)}/deliverables/{deliverable.pk}/")
    assert detail["ETag"] == f'"{Deliverable.objects.get(pk=deliverable.pk).revision}"'
    # Lists carry no ETag (it names one record).
    assert "ETag" not in client.get(f"{_base(deliverable)}/deliverables/")


# --- The report schedule's hour by PATCH ---------------------------------------------------------


def test_the_pm_changes_the_report_hour_by_patch(cast):
    schedule = _schedule(cast)
    response = logged_in(cast.pm).patch(
        f"{_base(schedule)}/report-schedule/", {"hour": 17}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["hour"] == 17
    schedule.refresh_from_db()
    assert schedule.hour == 17
    # The next run moved with it: at 17:00 in the client's time zone.
    zone = zone_of(client_time_zone(cast.project))
    assert schedule.next_run_at.astimezone(zone).hour == 17
    assert (schedule.cadence, schedule.weekday, schedule.recipient_roles) == (
        "weekly",
        0,
        [Role.CLIENT_ADMIN],
    )


def test_a_client_admin_cannot_change_the_report_hour_and_is_told_why(cast):
    schedule = _schedule(cast)
    response = logged_in(cast.client_admin).patch(
        f"{_base(schedule)}/report-schedule/",
        {"hour": 17, "is_active": False},
        content_type=JSON,
    )
    assert response.status_code == 403
    assert response.json() == {
        "hour": ["Only the project manager changes when the reports are sent."],
        "code": "not_allowed",
    }
    schedule.refresh_from_db()
    assert (schedule.hour, schedule.is_active) == (9, True)
    # Their own part still works.
    paused = logged_in(cast.client_admin).patch(
        f"{_base(schedule)}/report-schedule/", {"is_active": False}, content_type=JSON
    )
    assert paused.status_code == 200
    assert paused.json()["is_active"] is False


# --- Two saves at the same moment ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_revision_one_wins(cast):
    requirement = _requirement(cast)
    opened = requirement.revision
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(title: str) -> None:
        try:
            barrier.wait(timeout=5)
            requirement_update(actor=cast.pm, requirement=requirement, title=title, revision=opened)
            outcomes[title] = "saved"
        except EditConflict:
            outcomes[title] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("Alpha", "Beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["refused", "saved"]
    [winner] = [title for title, outcome in outcomes.items() if outcome == "saved"]
    requirement.refresh_from_db()
    assert requirement.title == winner
    assert requirement.revision == opened + 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_api_patches_one_gets_409(cast):
    requirement = _requirement(cast)
    url = f"{_base(requirement)}/requirements/{requirement.pk}/"
    tag = f'"{requirement.revision}"'
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def patch(title: str) -> None:
        try:
            client = logged_in(cast.pm)
            barrier.wait(timeout=5)
            statuses[title] = client.patch(
                url, {"title": title}, content_type=JSON, HTTP_IF_MATCH=tag
            ).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=patch, args=(title,)) for title in ("Alpha", "Beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses.values()) == [200, 409]
    [winner] = [title for title, status in statuses.items() if status == 200]
    assert Requirement.objects.get(pk=requirement.pk).title == winner


# --- The schema ----------------------------------------------------------------------------------


def test_the_schema_documents_if_match_the_409_and_the_etag(cast):
    schema = logged_in(cast.pm).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/projects/{project_pk}/requirements/{id}/", "patch"),
        ("/api/v1/projects/{project_pk}/milestones/{id}/", "patch"),
        ("/api/v1/projects/{project_pk}/objectives/{id}/", "patch"),
        ("/api/v1/projects/{project_pk}/tasks/{id}/", "patch"),
        ("/api/v1/projects/{project_pk}/risks/{id}/", "patch"),
        ("/api/v1/projects/{project_pk}/report-schedule/", "patch"),
        ("/api/v1/projects/{project_pk}/report-schedule/", "put"),
        ("/api/v1/projects/{project_pk}/feedback-tickets/{id}/", "patch"),
    ]:
        operation = paths[path][method]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert headers["If-Match"].get("required", False) is False, (path, method)
        assert "409" in operation["responses"], (path, method)
        assert "ETag" in operation["responses"]["200"]["headers"], (path, method)
    detail = paths["/api/v1/projects/{project_pk}/requirements/{id}/"]["get"]
    assert "ETag" in detail["responses"]["200"]["headers"]
    listing = paths["/api/v1/projects/{project_pk}/requirements/"]["get"]
    assert "headers" not in listing["responses"]["200"]


def test_a_partial_change_without_if_match_keeps_what_others_saved_meanwhile(cast):
    """A PATCH of one field (or a service call with a copy read earlier) writes that field only:
    the others keep what was saved in between, read under the row lock."""
    from projects.services.milestones import milestone_update
    from projects.services.objectives import objective_update

    milestone = _milestone(cast)
    stale = Milestone.objects.get(pk=milestone.pk)
    milestone_update(actor=cast.pm, milestone=milestone, description="Agreed with the client")
    milestone_update(actor=cast.pm, milestone=stale, name="Pilot, phase 1")
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.name, saved.description) == ("Pilot, phase 1", "Agreed with the client")

    objective = objective_create(
        actor=cast.pm, project=cast.project, title="Faster picking", target="-20 %"
    )
    stale_objective = Objective.objects.get(pk=objective.pk)
    objective_update(actor=cast.pm, objective=objective, target="-25 %")
    response = logged_in(cast.pm).patch(
        f"/api/v1/projects/{cast.project.pk}/objectives/{objective.pk}/",
        {"title": "Faster picking and packing"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    saved_objective = Objective.objects.get(pk=objective.pk)
    assert (saved_objective.title, saved_objective.target) == (
        "Faster picking and packing",
        "-25 %",
    )
    assert stale_objective.target == "-20 %"  # the copy read before the other change
