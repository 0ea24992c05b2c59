"""Closeout: the checklist from the facts, waivers, final acceptance and its refusal, reopening."""

from __future__ import annotations

import pytest

from closeout.checklist import closeout_checklist
from closeout.models import ClosureRequest, Point, Reopening, Waiver
from closeout.services import (
    closure_decide,
    closure_request,
    closure_withdraw,
    project_reopen,
    waiver_add,
    waiver_remove,
)
from common.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from feedback.models import TicketStatus
from notifications.models import OutboxMessage
from projects.models import Phase, PhaseGate, Project
from projects.services import phase_gate_request
from tests.closeout.world import open_world, ready_to_close, send_final_report_and_survey


def _open(checklist):
    return {
        point.point: sorted(item.label for item in point.unwaived_items)
        for point in checklist.points
        if point.unwaived_items
    }


def test_every_open_fact_is_a_point_with_its_items(cast):
    world = open_world(cast)
    checklist = closeout_checklist(cast.project)
    assert _open(checklist) == {
        "deliverables": sorted(["Pick list", world.internal_deliverable.name]),
        "requirements": ["REQ-1 Scan at dock"],
        "change_requests": ["CR-1 Extra report"],
        "risks": [f"R-1 {world.risk.title}"],
        "complaints": ["FB-1 Slow answers"],
        "action_items": ["Send the runbook"],
        "documents": ["Design"],
        "time": [f"Mar 14, 2031 · {cast.teammate.email}"],
    }
    missing = {point.point for point in checklist.points if point.is_missing}
    assert missing == {"final_report", "final_survey"}
    assert not checklist.holds
    assert len(checklist.open_points) == 10
    deliverables = checklist.points[0]
    assert deliverables.open_items[0].url == (
        f"/projects/{cast.project.pk}/deliverables/{world.deliverable.pk}/"
    )


def test_facts_that_are_settled_make_their_points_hold(cast):
    world = open_world(cast)
    send_final_report_and_survey(cast.project)
    world.deliverable.status = "accepted"
    world.deliverable.save()
    world.internal_deliverable.status = "deemed_accepted"
    world.internal_deliverable.save()
    world.requirement.status = "deferred"
    world.requirement.save()
    world.change_request.status = "rejected"
    world.change_request.rejection_reason = "Out of budget"
    world.change_request.save()
    world.risk.strategy = "transfer"
    world.risk.save()
    world.complaint.status = TicketStatus.CONFIRMED
    world.complaint.confirmed_at = world.complaint.raised_at
    world.complaint.save()
    world.action_item.is_done = True
    world.action_item.done_at = world.complaint.raised_at
    world.action_item.save()
    world.document.delete()
    world.time_entry.status = "approved"
    world.time_entry.approved_at = world.complaint.raised_at
    world.time_entry.save()
    checklist = closeout_checklist(cast.project)
    assert checklist.holds
    assert [point.is_waived for point in checklist.points] == [False] * 10


def test_a_resolved_complaint_still_needs_the_clients_confirmation(cast):
    world = open_world(cast)
    assert world.complaint.status == TicketStatus.RESOLVED
    complaints = closeout_checklist(cast.project).points[4]
    assert complaints.point == "complaints"
    assert not complaints.holds


def test_closure_is_refused_with_the_list_of_open_points(cast):
    open_world(cast)
    with pytest.raises(InvalidTransition) as error:
        closure_request(actor=cast.pm, project=cast.project)
    message = str(error.value.message)
    for label in ("Every deliverable accepted (2)", "Final status report sent (1)"):
        assert label in message
    assert not ClosureRequest.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_waivers_with_reasons_let_the_pm_request_closure(cast, django_capture_on_commit_callbacks):
    world = open_world(cast)
    send_final_report_and_survey(cast.project)
    checklist = closeout_checklist(cast.project)
    for point in checklist.points:
        if point.point == "deliverables":
            for item in point.open_items:
                waiver_add(
                    actor=cast.pm,
                    project=cast.project,
                    point="deliverables",
                    object_id=item.object_id,
                    reason="Client took it over",
                )
        elif not point.holds:
            waiver_add(
                actor=cast.pm,
                project=cast.project,
                point=point.point,
                reason="Agreed at the retro",
                client_note="Handled in the support contract" if point.point == "risks" else "",
            )
    request = closure_request(actor=cast.pm, project=cast.project, note="All done.")
    assert request.status == ClosureRequest.Status.AWAITING
    records = {entry["point"]: entry for entry in request.checklist}
    assert records["deliverables"] == {
        "point": "deliverables",
        "title": "Every deliverable accepted",
        "holds": True,
        "waived": True,
        "open": 0,
        "waived_items": 2,
        "client_note": "",
    }
    assert records["risks"]["client_note"] == "Handled in the support contract"
    assert records["final_report"]["waived"] is False
    mail = OutboxMessage.objects.get()
    assert mail.to_email == cast.client_admin.email
    assert "final acceptance" in mail.subject
    assert world.risk.title not in mail.body_text


def test_a_waiver_needs_a_reason_and_an_open_item(cast):
    world = open_world(cast)
    with pytest.raises(InvalidInput) as error:
        waiver_add(actor=cast.pm, project=cast.project, point="risks", reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(InvalidInput) as error:
        waiver_add(
            actor=cast.pm,
            project=cast.project,
            point="risks",
            object_id=world.deliverable.pk + 1000,
            reason="x",
        )
    assert error.value.field == "object_id"
    waiver_add(actor=cast.pm, project=cast.project, point="risks", reason="x")
    with pytest.raises(Conflict):
        waiver_add(actor=cast.pm, project=cast.project, point="risks", reason="again")
    assert Waiver.objects.count() == 1


@pytest.mark.parametrize(
    "role_name", ["am", "teammate", "client_admin", "rep", "viewer", "outsider", "staff_admin"]
)
def test_only_the_pm_waives_and_requests(cast, role_name):
    ready_to_close(cast)
    actor = cast.by_name(role_name)
    with pytest.raises(NotAllowed):
        waiver_add(actor=actor, project=cast.project, point="risks", reason="x")
    with pytest.raises(NotAllowed):
        closure_request(actor=actor, project=cast.project)
    assert not Waiver.objects.exists()
    assert not ClosureRequest.objects.exists()


def test_closure_is_requested_only_in_the_closing_phase_and_once(cast):
    ready_to_close(cast)
    Project.objects.filter(pk=cast.project.pk).update(phase=Phase.EXECUTION)
    with pytest.raises(InvalidTransition):
        closure_request(actor=cast.pm, project=cast.project)
    Project.objects.filter(pk=cast.project.pk).update(phase=Phase.CLOSING)
    closure_request(actor=cast.pm, project=cast.project)
    with pytest.raises(Conflict):
        closure_request(actor=cast.pm, project=cast.project)
    assert ClosureRequest.objects.count() == 1


def test_final_acceptance_closes_the_project_and_keeps_the_record(
    cast, django_capture_on_commit_callbacks
):
    ready_to_close(cast)
    request = closure_request(actor=cast.pm, project=cast.project)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decided = closure_decide(
            actor=cast.client_admin, request=request, accept=True, comment="Thank you, team."
        )
    assert (decided.status, decided.decided_by, decided.comment) == (
        "accepted",
        cast.client_admin,
        "Thank you, team.",
    )
    assert decided.decided_at is not None
    assert [entry["holds"] for entry in decided.accepted_checklist] == [True] * 10
    cast.project.refresh_from_db()
    assert cast.project.phase == Phase.CLOSED
    assert cast.project.history.first().history_user == cast.client_admin
    assert callbacks, "project_closed is sent after commit"


def test_a_refusal_needs_a_reason_and_leaves_the_project_closing(cast):
    ready_to_close(cast)
    request = closure_request(actor=cast.pm, project=cast.project)
    with pytest.raises(InvalidInput) as error:
        closure_decide(actor=cast.client_admin, request=request, accept=False, comment=" ")
    assert error.value.field == "comment"
    decided = closure_decide(
        actor=cast.client_admin, request=request, accept=False, comment="Training not given"
    )
    assert decided.status == ClosureRequest.Status.REFUSED
    cast.project.refresh_from_db()
    assert cast.project.phase == Phase.CLOSING
    # The PM fixes it and asks again.
    again = closure_request(actor=cast.pm, project=cast.project)
    assert again.status == ClosureRequest.Status.AWAITING


def test_acceptance_is_refused_when_a_point_opened_since_the_request(cast):
    ready_to_close(cast)
    request = closure_request(actor=cast.pm, project=cast.project)
    open_world(cast)
    with pytest.raises(InvalidTransition) as error:
        closure_decide(actor=cast.client_admin, request=request, accept=True)
    assert "Every deliverable accepted" in str(error.value.message)
    request.refresh_from_db()
    cast.project.refresh_from_db()
    assert (request.status, cast.project.phase) == ("awaiting", Phase.CLOSING)


@pytest.mark.parametrize("role_name", ["pm", "am", "teammate", "rep", "viewer", "staff_admin"])
def test_only_the_client_admin_gives_final_acceptance(cast, role_name):
    ready_to_close(cast)
    request = closure_request(actor=cast.pm, project=cast.project)
    with pytest.raises(NotAllowed):
        closure_decide(actor=cast.by_name(role_name), request=request, accept=True)
    request.refresh_from_db()
    assert request.status == "awaiting"


def test_the_pm_withdraws_a_request_and_may_then_change_waivers(cast):
    open_world(cast)
    send_final_report_and_survey(cast.project)
    waivers = [
        waiver_add(actor=cast.pm, project=cast.project, point=point, reason="ok")
        for point in Point.values
        if point not in ("final_report", "final_survey")
    ]
    request = closure_request(actor=cast.pm, project=cast.project)
    with pytest.raises(Conflict):
        waiver_remove(actor=cast.pm, waiver=waivers[0])
    closure_withdraw(actor=cast.pm, request=request)
    waiver_remove(actor=cast.pm, waiver=waivers[0])
    assert not closeout_checklist(cast.project).holds


def test_the_closing_gate_review_cannot_close_a_project(cast):
    Project.objects.filter(pk=cast.project.pk).update(phase=Phase.CLOSING)
    with pytest.raises(InvalidTransition):
        phase_gate_request(actor=cast.pm, project=cast.project, checked=[])
    assert not PhaseGate.objects.exists()


def _closed(cast):
    ready_to_close(cast)
    request = closure_request(actor=cast.pm, project=cast.project)
    closure_decide(actor=cast.client_admin, request=request, accept=True)
    cast.project.refresh_from_db()
    return cast.project


def test_a_staff_admin_reopens_a_closed_project_with_a_reason(cast):
    project = _closed(cast)
    with pytest.raises(InvalidInput):
        project_reopen(actor=cast.staff_admin, project=project, reason="")
    reopening = project_reopen(
        actor=cast.staff_admin, project=project, reason="Warranty fix", to_phase=Phase.EXECUTION
    )
    project.refresh_from_db()
    assert project.phase == Phase.EXECUTION
    assert (reopening.reopened_by, reopening.reason) == (cast.staff_admin, "Warranty fix")
    # History is kept: the acceptance record and the reopening both remain.
    assert ClosureRequest.objects.filter(status="accepted").count() == 1
    assert Reopening.objects.count() == 1
    assert [record.phase for record in project.history.all()[:2]] == ["execution", "closed"]


@pytest.mark.parametrize("role_name", ["pm", "am", "client_admin", "rep"])
def test_only_a_staff_admin_reopens(cast, role_name):
    project = _closed(cast)
    with pytest.raises(NotAllowed):
        project_reopen(actor=cast.by_name(role_name), project=project, reason="x")
    project.refresh_from_db()
    assert project.phase == Phase.CLOSED


def test_a_reopened_project_needs_a_new_final_report(cast):
    project = _closed(cast)
    project_reopen(actor=cast.staff_admin, project=project, reason="Late defect")
    checklist = closeout_checklist(project)
    assert {point.point for point in checklist.open_points} == {"final_report", "final_survey"}


def test_an_on_close_survey_automation_counts_as_the_final_survey(cast):
    from closeout.models import Point as P
    from feedback.models import CampaignTrigger, SurveyAutomation
    from feedback.services.survey_templates import survey_template_default

    project = cast.project
    Project.objects.filter(pk=project.pk).update(phase=Phase.CLOSING)
    survey = next(p for p in closeout_checklist(project).points if p.point == P.FINAL_SURVEY)
    assert survey.is_missing
    SurveyAutomation.objects.create(
        project=project,
        template=survey_template_default(),
        trigger=CampaignTrigger.PROJECT_CLOSED,
        created_by=cast.am,
    )
    survey = next(p for p in closeout_checklist(project).points if p.point == P.FINAL_SURVEY)
    assert survey.holds
