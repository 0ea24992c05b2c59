"""The client's answer to a submitted deliverable: accept, reject with a reason per failed
criterion, or deemed accepted when the answer is overdue. When every deliverable of a milestone
is accepted, the milestone is complete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.events import EventType, emit
from projects.closure import ensure_project_open
from projects.models import (
    AcceptanceRound,
    CriterionResult,
    Deliverable,
)
from projects.permissions import (
    can_accept_deliverable,
)
from projects.services.notify import notify_pms
from projects.signals import deliverable_accepted, send_after_commit

if TYPE_CHECKING:
    from accounts.models import User
from common.history import set_history_user
from projects.services.deliverables import client_today
from projects.services.milestones import refresh_milestone_completion


@dataclass(frozen=True)
class FailedCriterion:
    criterion_id: int
    reason: str


def _open_round(deliverable: Deliverable) -> AcceptanceRound:
    acceptance_round = (
        deliverable.rounds.select_for_update().filter(decision="").order_by("-number").first()
    )
    if deliverable.status != Deliverable.Status.SUBMITTED or acceptance_round is None:
        raise InvalidTransition(_("This deliverable is not awaiting acceptance."))
    return acceptance_round


@transaction.atomic
def deliverable_accept(*, actor: User, deliverable: Deliverable, comment: str = "") -> Deliverable:
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if not can_accept_deliverable(actor, deliverable.project) or not deliverable.is_client_visible:
        raise NotAllowed()
    ensure_project_open(deliverable.project_id)  # the criterion results are written in bulk
    acceptance_round = _open_round(deliverable)
    now = timezone.now()
    CriterionResult.objects.bulk_create(
        CriterionResult(round=acceptance_round, criterion=criterion, passed=True)
        for criterion in deliverable.criteria.all()
    )
    acceptance_round.decision = AcceptanceRound.Decision.ACCEPTED
    acceptance_round.decided_by = actor
    acceptance_round.decided_at = now
    acceptance_round.comment = comment.strip()
    acceptance_round.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    deliverable.status = Deliverable.Status.ACCEPTED
    deliverable.accepted_at = now
    set_history_user(deliverable, actor)
    deliverable.save(update_fields=["status", "accepted_at"])
    refresh_milestone_completion(deliverable.milestone, actor=actor)
    _tell_team(deliverable=deliverable, accepted=True, by=actor)
    _announce(EventType.DELIVERABLE_ACCEPTED, deliverable, acceptance_round, by=actor)
    send_after_commit(deliverable_accepted, deliverable_id=deliverable.pk)
    return deliverable


@transaction.atomic
def deliverable_reject(
    *,
    actor: User,
    deliverable: Deliverable,
    failed: list[FailedCriterion],
    comment: str = "",
) -> Deliverable:
    """Reject with a reason for each failed criterion (or, without criteria, a comment)."""
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if not can_accept_deliverable(actor, deliverable.project) or not deliverable.is_client_visible:
        raise NotAllowed()
    ensure_project_open(deliverable.project_id)  # the criterion results are written in bulk
    acceptance_round = _open_round(deliverable)
    criteria = {criterion.pk: criterion for criterion in deliverable.criteria.all()}
    reasons: dict[int, str] = {}
    for item in failed:
        if item.criterion_id not in criteria:
            raise InvalidInput(_("Unknown criterion."), field="criteria")
        reason = item.reason.strip()
        if not reason:
            raise InvalidInput(
                _("Give a reason for each criterion that is not met."), field="criteria"
            )
        if item.criterion_id in reasons:
            raise InvalidInput(_("Each criterion is judged once."), field="criteria")
        reasons[item.criterion_id] = reason
    if criteria and not reasons:
        raise InvalidInput(
            _("Mark at least one criterion as not met, with the reason."), field="criteria"
        )
    if not criteria and not comment.strip():
        raise InvalidInput(_("Say why the deliverable is rejected."), field="comment")
    CriterionResult.objects.bulk_create(
        CriterionResult(
            round=acceptance_round,
            criterion=criterion,
            passed=criterion_id not in reasons,
            reason=reasons.get(criterion_id, ""),
        )
        for criterion_id, criterion in criteria.items()
    )
    acceptance_round.decision = AcceptanceRound.Decision.REJECTED
    acceptance_round.decided_by = actor
    acceptance_round.decided_at = timezone.now()
    acceptance_round.comment = comment.strip()
    acceptance_round.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    deliverable.status = Deliverable.Status.REJECTED
    set_history_user(deliverable, actor)
    deliverable.save(update_fields=["status"])
    refresh_milestone_completion(deliverable.milestone, actor=actor)
    _tell_team(deliverable=deliverable, accepted=False, by=actor)
    _announce(EventType.DELIVERABLE_REJECTED, deliverable, acceptance_round, by=actor)
    return deliverable


@transaction.atomic
def deliverable_deem_accepted(*, deliverable_id: int, today: date | None = None) -> bool:
    """The system accepts a deliverable the client did not answer by its deemed-acceptance day
    (the project's rule, stated on the acceptance page). Safe to run twice."""
    deliverable = (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("project__client")
        .filter(pk=deliverable_id)
        .first()
    )
    if deliverable is None or deliverable.status != Deliverable.Status.SUBMITTED:
        return False
    acceptance_round = deliverable.rounds.filter(decision="").order_by("-number").first()
    today = today or client_today(deliverable.project)
    if (
        acceptance_round is None
        or acceptance_round.deemed_acceptance_due is None
        or acceptance_round.deemed_acceptance_due > today
    ):
        return False
    now = timezone.now()
    acceptance_round.decision = AcceptanceRound.Decision.DEEMED_ACCEPTED
    acceptance_round.decided_at = now
    acceptance_round.save(update_fields=["decision", "decided_at"])
    deliverable.status = Deliverable.Status.DEEMED_ACCEPTED
    deliverable.accepted_at = now
    deliverable.save(update_fields=["status", "accepted_at"])
    refresh_milestone_completion(deliverable.milestone, actor=None)
    _tell_team(deliverable=deliverable, accepted=True, by=None)
    _announce(EventType.DELIVERABLE_DEEMED_ACCEPTED, deliverable, acceptance_round, by=None)
    send_after_commit(deliverable_accepted, deliverable_id=deliverable.pk)
    return True


def _announce(
    event_type: EventType,
    deliverable: Deliverable,
    acceptance_round: AcceptanceRound,
    *,
    by: User | None,
) -> None:
    emit(
        event_type,
        project=deliverable.project,
        client_visible=deliverable.is_client_visible,
        data={
            "deliverable": {
                "id": deliverable.pk,
                "name": deliverable.name,
                "status": deliverable.status,
                "milestone_id": deliverable.milestone_id,
            },
            "round": {
                "number": acceptance_round.number,
                "decision": acceptance_round.decision,
                "comment": acceptance_round.comment,
                "decided_by": str(by) if by is not None else None,
                "decided_at": acceptance_round.decided_at.isoformat()
                if acceptance_round.decided_at
                else None,
            },
        },
    )


def _tell_team(*, deliverable: Deliverable, accepted: bool, by: User | None) -> None:
    def title() -> str:
        if by is None:
            return _("%(deliverable)s is deemed accepted") % {"deliverable": deliverable.name}
        if accepted:
            message = _("%(person)s accepted %(deliverable)s")
        else:
            message = _("%(person)s rejected %(deliverable)s")
        return message % {"person": by.display_name, "deliverable": deliverable.name}

    notify_pms(
        deliverable.project_id,
        title=title,
        url=reverse(
            "projects:deliverable",
            kwargs={"project_id": deliverable.project_id, "deliverable_id": deliverable.pk},
        ),
    )
