"""Closeout writes: waivers, the request for final acceptance, the client admin's answer, and a
staff admin's reopening.

Invariants: a project reaches *Closed* only through the client admin's acceptance of a request
made while every point of the checklist held, and held again when it was accepted; the request
keeps both copies of the checklist. A refusal leaves the project in its closing phase with the
reason for the PM. Reopening is the only way back, by a staff admin with a reason, and is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from closeout.checklist import Checklist, closeout_checklist
from closeout.models import ClosureRequest, Point, Reopening, Waiver
from closeout.permissions import (
    can_give_final_acceptance,
    can_reopen_project,
    can_request_closure,
    can_waive_closeout_point,
)
from common.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from common.history import set_history_user
from notifications.models import NotificationKind
from notifications.services.notifications import notify
from projects.closure import closed_project_writes_allowed, ensure_project_open
from projects.models import Membership, Phase, Project, Role
from projects.services.gates import announce_project_closed
from projects.services.notify import notify_pms
from projects.signals import project_closed, send_after_commit

if TYPE_CHECKING:
    from accounts.models import User


def _open_points_message(checklist: Checklist) -> str:
    return "; ".join(
        f"{point.label} ({len(point.unwaived_items) or 1})" for point in checklist.open_points
    )


@transaction.atomic
def waiver_add(
    *,
    actor: User,
    project: Project,
    point: str,
    object_id: int = 0,
    reason: str,
    client_note: str = "",
) -> Waiver:
    """The PM lets an open item (or, with `object_id` 0, a whole point) count as done. The item
    must be open now; the reason is required and stays internal."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not can_waive_closeout_point(actor, project):
        raise NotAllowed()
    ensure_project_open(project.pk)
    if point not in Point.values:
        raise InvalidInput(_("Choose a point of the checklist."), field="point")
    if not reason.strip():
        raise InvalidInput(_("Say why this is waived."), field="reason")
    state = next(p for p in closeout_checklist(project).points if p.point == point)
    if object_id and object_id not in {item.object_id for item in state.open_items}:
        raise InvalidInput(_("This item is not open any more."), field="object_id")
    try:
        with transaction.atomic():
            return Waiver.objects.create(
                project=project,
                point=point,
                object_id=object_id,
                reason=reason.strip(),
                client_note=client_note.strip(),
                waived_by=actor,
            )
    except IntegrityError as error:
        raise Conflict(_("This is already waived.")) from error


@transaction.atomic
def waiver_remove(*, actor: User, waiver: Waiver) -> None:
    project = Project.objects.select_for_update().get(pk=waiver.project_id)
    if not can_waive_closeout_point(actor, project):
        raise NotAllowed()
    ensure_project_open(project.pk)
    if project.closure_requests.filter(status=ClosureRequest.Status.AWAITING).exists():
        raise Conflict(_("Withdraw the request for final acceptance before changing waivers."))
    waiver.delete()


@transaction.atomic
def closure_request(*, actor: User, project: Project, note: str = "") -> ClosureRequest:
    """The PM asks the client admins for final acceptance. Refused unless the project is in its
    closing phase, has an active client admin, no request already waits, and every point of the
    checklist holds (the error lists the open points)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not can_request_closure(actor, project):
        raise NotAllowed()
    ensure_project_open(project.pk)
    if project.phase != Phase.CLOSING:
        raise InvalidTransition(_("Final acceptance is requested in the closing phase."))
    if project.closure_requests.filter(status=ClosureRequest.Status.AWAITING).exists():
        raise Conflict(_("A request for final acceptance already waits for the client."))
    admins = list(
        Membership.objects.filter(
            project=project, role=Role.CLIENT_ADMIN, user__is_active=True
        ).select_related("user")
    )
    if not admins:
        raise InvalidTransition(
            _("The project has no client admin to give final acceptance: invite one first.")
        )
    checklist = closeout_checklist(project)
    if not checklist.holds:
        raise InvalidTransition(
            _("These points are still open: %(points)s. Resolve or waive them first.")
            % {"points": _open_points_message(checklist)}
        )
    request = ClosureRequest.objects.create(
        project=project, note=note.strip(), checklist=checklist.as_record(), requested_by=actor
    )
    url = reverse("portal:closeout", kwargs={"project_id": project.pk})
    for membership in admins:
        person = membership.user
        with translation.override(person.language):
            title = _("%(project)s asks for your final acceptance") % {"project": project.name}
        notify(
            user=person,
            kind=NotificationKind.PHASE_GATE,
            outbox_kind="final_acceptance",
            title=title,
            url=url,
            email_template="closeout/email/final_acceptance",
            context={"person": person, "request": request, "project": project, "path": url},
            dedupe_key=f"final-acceptance:{request.pk}:{person.pk}",
        )
    return request


@transaction.atomic
def closure_withdraw(*, actor: User, request: ClosureRequest) -> ClosureRequest:
    request = ClosureRequest.objects.select_for_update().get(pk=request.pk)
    if not can_request_closure(actor, request.project):
        raise NotAllowed()
    if request.status != ClosureRequest.Status.AWAITING:
        raise InvalidTransition(_("This request is already decided."))
    request.status = ClosureRequest.Status.WITHDRAWN
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return request


@transaction.atomic
def closure_decide(
    *, actor: User, request: ClosureRequest, accept: bool, comment: str = ""
) -> ClosureRequest:
    """The client admin gives final acceptance (the project closes, read-only from then on) or
    refuses it with a reason (the project stays in closing for the PM). Acceptance is refused
    if a point reopened since the request: the PM then resolves it and asks again."""
    request = (
        ClosureRequest.objects.select_for_update().select_related("project").get(pk=request.pk)
    )
    project = Project.objects.select_for_update().get(pk=request.project_id)
    if not can_give_final_acceptance(actor, project):
        raise NotAllowed()
    if request.status != ClosureRequest.Status.AWAITING:
        raise InvalidTransition(_("This request is already decided."))
    comment = comment.strip()
    if not accept and not comment:
        raise InvalidInput(_("Say why you do not accept yet."), field="comment")
    if accept:
        checklist = closeout_checklist(project)
        if not checklist.holds:
            raise InvalidTransition(
                _(
                    "Something changed since the request: %(points)s. The project manager will "
                    "resolve it and ask again."
                )
                % {"points": _open_points_message(checklist)}
            )
        request.accepted_checklist = checklist.as_record()
    request.status = ClosureRequest.Status.ACCEPTED if accept else ClosureRequest.Status.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.comment = comment
    request.save(
        update_fields=["status", "decided_by", "decided_at", "comment", "accepted_checklist"]
    )
    if accept:
        project.phase = Phase.CLOSED
        set_history_user(project, actor)
        project.save(update_fields=["phase", "updated_at"])
        announce_project_closed(project)
        send_after_commit(project_closed, project_id=project.pk)

    def title() -> str:
        if accept:
            message = _("%(person)s gave final acceptance: %(project)s is closed")
        else:
            message = _("%(person)s did not give final acceptance of %(project)s")
        return message % {"person": actor.display_name, "project": project.name}

    notify_pms(
        project.pk,
        title=title,
        body=comment,
        url=reverse("closeout:project", kwargs={"project_id": project.pk}),
    )
    return request


@transaction.atomic
def project_reopen(
    *, actor: User, project: Project, reason: str, to_phase: str = Phase.CLOSING
) -> Reopening:
    """A staff admin reopens a closed project with a reason; the record is kept and the
    closeout starts again (a new final report and survey are needed)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not can_reopen_project(actor, project):
        raise NotAllowed()
    if project.phase != Phase.CLOSED:
        raise InvalidTransition(_("Only a closed project can be reopened."))
    if not reason.strip():
        raise InvalidInput(_("Say why the project is reopened."), field="reason")
    if to_phase not in Phase.values or to_phase == Phase.CLOSED:
        raise InvalidInput(_("Choose the phase the project goes back to."), field="to_phase")
    with closed_project_writes_allowed():
        reopening = Reopening.objects.create(
            project=project, to_phase=to_phase, reason=reason.strip(), reopened_by=actor
        )
        project.phase = to_phase
        set_history_user(project, actor)
        project.save(update_fields=["phase", "updated_at"])
    notify_pms(
        project.pk,
        title=lambda: (
            _("%(person)s reopened %(project)s")
            % {"person": actor.display_name, "project": project.name}
        ),
        body=reopening.reason,
        url=reverse("closeout:project", kwargs={"project_id": project.pk}),
    )
    return reopening
