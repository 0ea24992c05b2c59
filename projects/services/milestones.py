"""Milestones: the plan's dates, and their completion once every deliverable is accepted."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.history import set_history_user
from common.revisions import lock_and_check
from common.text import clean_text
from projects.models import (
    Deliverable,
    Milestone,
    Project,
    Visibility,
)
from projects.permissions import (
    can_edit_plan,
)

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def milestone_create(
    *,
    actor: User,
    project: Project,
    name: str,
    due_date: date,
    description: str = "",
    visibility: str = Visibility.CLIENT,
) -> Milestone:
    """Add a milestone; its baseline due date is the due date it is created with."""
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    milestone = Milestone(
        project=project,
        name=clean_text(name, field="name", label=_("Name"), max_length=200),
        description=description.strip(),
        due_date=due_date,
        baseline_due_date=due_date,
        visibility=visibility,
        position=(project.milestones.aggregate(Max("position"))["position__max"] or 0) + 1,
    )
    set_history_user(milestone, actor)
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    name: str | None = None,
    due_date: date | None = None,
    description: str | None = None,
    visibility: str | None = None,
    revision: int | None = None,
) -> Milestone:
    """Change the current plan of a milestone; its baseline never moves. `visibility` None
    keeps it; a milestone whose deliverables await the client's answer cannot become internal
    (the client could no longer see what they are asked to decide), nor can one holding
    deliverables accepted internally become client-visible (the client would see them accepted
    without having been asked). With `revision`, EditConflict if someone saved it since."""
    if not can_edit_plan(actor, milestone.project):
        raise NotAllowed()
    milestone = lock_and_check(milestone, revision)
    # A field given as None keeps its saved value (read under the row lock).
    if name is not None:
        milestone.name = clean_text(name, field="name", label=_("Name"), max_length=200)
    if due_date is not None:
        milestone.due_date = due_date
    if description is not None:
        milestone.description = description.strip()
    if visibility is not None and visibility != milestone.visibility:
        if visibility not in Visibility.values:
            raise InvalidInput(_("Unknown visibility."), field="visibility")
        if (
            visibility == Visibility.INTERNAL
            and milestone.deliverables.filter(status=Deliverable.Status.SUBMITTED).exists()
        ):
            raise InvalidTransition(
                _("Deliverables of this milestone await the client's answer: it stays visible.")
            )
        if (
            visibility == Visibility.CLIENT
            and milestone.deliverables.filter(
                visibility=Visibility.CLIENT, internally_accepted_at__isnull=False
            ).exists()
        ):
            raise InvalidTransition(
                _("Deliverables of this milestone were accepted internally: it stays internal.")
            )
        milestone.visibility = visibility
    set_history_user(milestone, actor)
    milestone.save(update_fields=["name", "due_date", "description", "visibility"])
    return milestone


def refresh_milestone_completion(milestone: Milestone, *, actor: User | None) -> None:
    deliverables = list(milestone.deliverables.values_list("status", flat=True))
    complete = bool(deliverables) and all(
        status in Deliverable.ACCEPTED_STATES for status in deliverables
    )
    if complete and milestone.status != Milestone.Status.COMPLETED:
        milestone.status = Milestone.Status.COMPLETED
        milestone.completed_at = timezone.now()
    elif not complete and milestone.status == Milestone.Status.COMPLETED:
        milestone.status = Milestone.Status.IN_PROGRESS
        milestone.completed_at = None
    elif not complete and any(status != Deliverable.Status.IN_PROGRESS for status in deliverables):
        milestone.status = Milestone.Status.IN_PROGRESS
    else:
        return
    set_history_user(milestone, actor)
    milestone.save(update_fields=["status", "completed_at"])
