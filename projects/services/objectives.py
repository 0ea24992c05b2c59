"""A project's objectives: what it must achieve, the target, and where it stands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from common.errors import InvalidInput, NotAllowed
from common.revisions import lock_and_check
from projects.models import Objective, Project
from projects.permissions import can_edit_plan

if TYPE_CHECKING:
    from accounts.models import User


def _clean(title: str, target: str, status: str) -> tuple[str, str]:
    title, target = (title or "").strip(), (target or "").strip()
    if not title:
        raise InvalidInput(_("Enter the goal."), field="title")
    if len(title) > 300:
        raise InvalidInput(_("The goal is too long: at most 300 characters."), field="title")
    if len(target) > 300:
        raise InvalidInput(_("The target is too long: at most 300 characters."), field="target")
    if status not in Objective.Status.values:
        raise InvalidInput(_("Unknown status."), field="status")
    return title, target


@transaction.atomic
def objective_create(
    *,
    actor: User,
    project: Project,
    title: str,
    target: str = "",
    status: str = Objective.Status.NOT_STARTED,
) -> Objective:
    """The PM adds an objective at the end of the project's list. The client sees it too."""
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    title, target = _clean(title, target, status)
    position = (project.objectives.aggregate(Max("position"))["position__max"] or 0) + 1
    return Objective.objects.create(
        project=project, title=title, target=target, status=status, position=position
    )


@transaction.atomic
def objective_update(
    *,
    actor: User,
    objective: Objective,
    title: str | None = None,
    target: str | None = None,
    status: str | None = None,
    revision: int | None = None,
) -> Objective:
    """A field given as None keeps its saved value (read under the row lock, so that a partial
    change never writes back what someone else just changed). With `revision`, EditConflict if
    someone saved the objective since that revision."""
    if not can_edit_plan(actor, objective.project):
        raise NotAllowed()
    objective = lock_and_check(objective, revision)
    title = objective.title if title is None else title
    target = objective.target if target is None else target
    status = objective.status if status is None else status
    objective.title, objective.target = _clean(title, target, status)
    objective.status = status
    objective.save(update_fields=["title", "target", "status"])
    return objective


@transaction.atomic
def objective_delete(*, actor: User, objective: Objective) -> None:
    if not can_edit_plan(actor, objective.project):
        raise NotAllowed()
    objective.delete()
