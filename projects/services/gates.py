"""Phase gates: a project moves to its next phase only through a gate review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from common.events import EventType, emit
from common.history import set_history_user
from notifications.models import NotificationKind
from notifications.services.notifications import notify
from projects.models import (
    GATE_CHECKLISTS,
    NEXT_PHASE,
    Membership,
    Phase,
    PhaseGate,
    Project,
    Role,
)
from projects.permissions import can_approve_phase_gate, can_request_phase_gate
from projects.services.notify import notify_pms
from projects.signals import project_closed, send_after_commit

if TYPE_CHECKING:
    from accounts.models import User


def gate_checklist(project: Project) -> list[str]:
    """The checklist (English message ids; translate with gettext to show) for leaving the
    project's current phase."""
    with translation.override("en"):
        return [str(item) for item in GATE_CHECKLISTS.get(project.phase, [])]


@transaction.atomic
def phase_gate_request(
    *, actor: User, project: Project, checked: list[str], note: str = ""
) -> PhaseGate:
    """The PM passes the gate review of the current phase: every item of the checklist must be
    ticked. Where the project requires it, the gate then waits for the client admin's approval;
    otherwise the project moves to its next phase at once."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not can_request_phase_gate(actor, project):
        raise NotAllowed()
    to_phase = NEXT_PHASE.get(project.phase)
    if to_phase is None:
        raise InvalidTransition(_("A closed project has no further phase."))
    if to_phase == Phase.CLOSED:
        raise InvalidTransition(
            _(
                "A project closes through its closeout: the checklist, then the client admin's "
                "final acceptance."
            )
        )
    if project.gates.filter(status=PhaseGate.Status.AWAITING_CLIENT).exists():
        raise Conflict(_("A gate review already awaits the client's approval."))
    items = gate_checklist(project)
    missing = [item for item in items if item not in set(checked)]
    if missing:
        raise InvalidInput(
            _("Tick every item of the checklist first. Missing: %(items)s")
            % {"items": "; ".join(_(item) for item in missing)},
            field="checked",
        )
    needs_client = project.gates_need_client_approval
    gate = PhaseGate.objects.create(
        project=project,
        from_phase=project.phase,
        to_phase=to_phase,
        checklist=[{"item": item, "done": True} for item in items],
        note=note.strip(),
        requested_by=actor,
        status=PhaseGate.Status.AWAITING_CLIENT if needs_client else PhaseGate.Status.PASSED,
        decided_by=None if needs_client else actor,
        decided_at=None if needs_client else timezone.now(),
    )
    if needs_client:
        _ask_client(gate)
    else:
        _advance(project, gate, actor=actor)
        _announce(project, gate, by=actor, client_visible=False)
    return gate


@transaction.atomic
def phase_gate_decide(
    *, actor: User, gate: PhaseGate, approve: bool, comment: str = ""
) -> PhaseGate:
    """The client admin approves the gate (the project moves on) or refuses it with a reason."""
    gate = PhaseGate.objects.select_for_update().select_related("project").get(pk=gate.pk)
    if not can_approve_phase_gate(actor, gate.project):
        raise NotAllowed()
    if gate.status != PhaseGate.Status.AWAITING_CLIENT:
        raise InvalidTransition(_("This gate review is already decided."))
    if not approve and not comment.strip():
        raise InvalidInput(_("Say why the gate is refused."), field="comment")
    gate.status = PhaseGate.Status.PASSED if approve else PhaseGate.Status.REFUSED
    gate.decided_by = actor
    gate.decided_at = timezone.now()
    gate.comment = comment.strip()
    gate.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    project = Project.objects.select_for_update().get(pk=gate.project_id)
    if approve and project.phase == gate.from_phase:
        _advance(project, gate, actor=actor)
    _tell_pms(gate, approved=approve, by=actor)
    _announce(project, gate, by=actor, client_visible=True)
    return gate


def _announce(project: Project, gate: PhaseGate, *, by: User, client_visible: bool) -> None:
    emit(
        EventType.GATE_DECIDED,
        project=project,
        client_visible=client_visible,
        data={
            "gate": {
                "id": gate.pk,
                "from_phase": gate.from_phase,
                "to_phase": gate.to_phase,
                "status": gate.status,
                "comment": gate.comment,
                "decided_by": str(by),
            }
        },
    )


def _advance(project: Project, gate: PhaseGate, *, actor: User) -> None:
    project.phase = gate.to_phase
    set_history_user(project, actor)
    project.save(update_fields=["phase", "updated_at"])
    if project.phase == Phase.CLOSED:
        announce_project_closed(project)
        send_after_commit(project_closed, project_id=project.pk)


def announce_project_closed(project: Project) -> None:
    emit(
        EventType.PROJECT_CLOSED,
        project=project,
        client_visible=True,
        data={"closed_at": timezone.now().isoformat()},
    )


def _ask_client(gate: PhaseGate) -> None:
    project = gate.project
    url = reverse("portal:gate", kwargs={"project_id": project.pk, "gate_id": gate.pk})
    admins = Membership.objects.filter(
        project=project, role=Role.CLIENT_ADMIN, user__is_active=True
    ).select_related("user")
    for membership in admins:
        person = membership.user
        with translation.override(person.language):
            title = _("%(project)s asks your approval to move to %(phase)s") % {
                "project": project.name,
                "phase": gate.get_to_phase_display(),
            }
        notify(
            user=person,
            kind=NotificationKind.PHASE_GATE,
            outbox_kind="phase_gate",
            title=title,
            url=url,
            email_template="projects/email/phase_gate",
            context={"person": person, "gate": gate, "project": project, "path": url},
            dedupe_key=f"phase-gate:{gate.pk}:{person.pk}",
        )


def _tell_pms(gate: PhaseGate, *, approved: bool, by: User) -> None:
    def title() -> str:
        if approved:
            message = _("%(person)s approved the move to %(phase)s")
        else:
            message = _("%(person)s refused the move to %(phase)s")
        return message % {"person": by.display_name, "phase": gate.get_to_phase_display()}

    notify_pms(
        gate.project_id,
        title=title,
        body=gate.comment,
        url=reverse("projects:detail", kwargs={"project_id": gate.project_id}),
    )
