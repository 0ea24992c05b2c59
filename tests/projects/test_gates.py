"""Phase gates: the project moves on only through a gate review."""

from __future__ import annotations

import pytest

from common.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from notifications.models import Notification, OutboxMessage
from projects.models import Phase, PhaseGate, Project
from projects.services import (
    ProjectData,
    gate_checklist,
    phase_gate_decide,
    phase_gate_request,
    project_update,
)
from tests.helpers import logged_in


def test_without_client_approval_the_gate_moves_the_project_at_once(cast):
    gate = phase_gate_request(
        actor=cast.pm, project=cast.project, checked=gate_checklist(cast.project), note="Go"
    )
    cast.project.refresh_from_db()
    assert cast.project.phase == Phase.PLANNING
    assert (gate.from_phase, gate.to_phase, gate.status) == ("initiation", "planning", "passed")
    assert gate.decided_by == cast.pm
    assert all(entry["done"] for entry in gate.checklist)
    assert cast.project.history.first().history_user == cast.pm


def test_an_unticked_item_is_refused_and_names_what_is_missing(cast):
    items = gate_checklist(cast.project)
    with pytest.raises(InvalidInput) as error:
        phase_gate_request(actor=cast.pm, project=cast.project, checked=items[:-1])
    assert items[-1] in str(error.value.message)
    assert not PhaseGate.objects.exists()
    assert Project.objects.get(pk=cast.project.pk).phase == Phase.INITIATION


@pytest.mark.parametrize(
    "role_name", ["am", "teammate", "client_admin", "rep", "viewer", "outsider", "staff_admin"]
)
def test_only_the_pm_requests_a_gate(cast, role_name):
    with pytest.raises(NotAllowed):
        phase_gate_request(
            actor=cast.by_name(role_name),
            project=cast.project,
            checked=gate_checklist(cast.project),
        )
    assert not PhaseGate.objects.exists()


def test_with_client_approval_the_client_admin_decides(cast, django_capture_on_commit_callbacks):
    cast.project.gates_need_client_approval = True
    cast.project.save()
    cast.client_admin.language = "zh-hans"
    cast.client_admin.save()
    with django_capture_on_commit_callbacks(execute=False):
        gate = phase_gate_request(
            actor=cast.pm, project=cast.project, checked=gate_checklist(cast.project)
        )
    assert gate.status == PhaseGate.Status.AWAITING_CLIENT
    assert Project.objects.get(pk=cast.project.pk).phase == Phase.INITIATION
    message = OutboxMessage.objects.get(kind="phase_gate")
    assert (message.to_email, message.language) == ("admin@a.test", "zh-hans")
    assert Notification.objects.filter(user=cast.client_admin).count() == 1
    assert not OutboxMessage.objects.filter(to_email__in=["rep@a.test", "viewer@a.test"]).exists()
    with pytest.raises(Conflict):
        phase_gate_request(
            actor=cast.pm, project=cast.project, checked=gate_checklist(cast.project)
        )

    for role_name in ["pm", "rep", "viewer", "other_client_rep", "staff_admin"]:
        with pytest.raises(NotAllowed):
            phase_gate_decide(actor=cast.by_name(role_name), gate=gate, approve=True)
    with pytest.raises(InvalidInput):
        phase_gate_decide(actor=cast.client_admin, gate=gate, approve=False, comment=" ")
    assert PhaseGate.objects.get(pk=gate.pk).status == PhaseGate.Status.AWAITING_CLIENT

    phase_gate_decide(actor=cast.client_admin, gate=gate, approve=True)
    assert Project.objects.get(pk=cast.project.pk).phase == Phase.PLANNING
    assert Notification.objects.filter(user=cast.pm).count() == 1
    with pytest.raises(InvalidTransition):
        phase_gate_decide(actor=cast.client_admin, gate=gate, approve=True)


def test_a_refusal_keeps_the_phase_and_records_why(cast, django_capture_on_commit_callbacks):
    cast.project.gates_need_client_approval = True
    cast.project.save()
    with django_capture_on_commit_callbacks(execute=False):
        gate = phase_gate_request(
            actor=cast.pm, project=cast.project, checked=gate_checklist(cast.project)
        )
    response = logged_in(cast.client_admin).post(
        f"/portal/projects/{cast.project.pk}/gates/{gate.pk}/",
        {"decision": "refuse", "comment": "Budget not signed yet"},
    )
    assert response.status_code == 302
    gate.refresh_from_db()
    assert (gate.status, gate.comment, gate.decided_by) == (
        "refused",
        "Budget not signed yet",
        cast.client_admin,
    )
    assert Project.objects.get(pk=cast.project.pk).phase == Phase.INITIATION


def test_the_client_admin_sees_the_gate_in_what_needs_my_decision(
    cast, django_capture_on_commit_callbacks
):
    cast.project.gates_need_client_approval = True
    cast.project.save()
    with django_capture_on_commit_callbacks(execute=False):
        phase_gate_request(
            actor=cast.pm, project=cast.project, checked=gate_checklist(cast.project)
        )
    assert (
        "Approve the move to Planning"
        in logged_in(cast.client_admin).get("/portal/").content.decode()
    )
    assert "Approve the move to" not in logged_in(cast.rep).get("/portal/").content.decode()
    assert (
        "Approve the move to"
        not in logged_in(cast.other_client_rep).get("/portal/").content.decode()
    )


def test_the_overview_form_passes_the_gate(cast):
    response = logged_in(cast.pm).post(
        f"/projects/{cast.project.pk}/gate/", {"checked": gate_checklist(cast.project)}
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=cast.project.pk).phase == Phase.PLANNING
    refused = logged_in(cast.am).post(
        f"/projects/{cast.project.pk}/gate/", {"checked": gate_checklist(cast.project)}
    )
    assert refused.status_code == 403


def test_editing_the_project_cannot_jump_phases(cast):
    data = ProjectData(name="A One", code="a-one", phase=Phase.CLOSED)
    with pytest.raises(InvalidInput):
        project_update(actor=cast.pm, project=cast.project, data=data)
    assert Project.objects.get(pk=cast.project.pk).phase == Phase.INITIATION


def test_a_closed_project_has_no_gate(cast):
    Project.objects.filter(pk=cast.project.pk).update(phase=Phase.CLOSED)
    cast.project.refresh_from_db()
    with pytest.raises(InvalidTransition):
        phase_gate_request(actor=cast.pm, project=cast.project, checked=[])
