"""Writes for baselines: the PM sets the first; a change request approved by both sides sets the
next ones (stakeholders.services.changes calls `baseline_for_change` in its approving
transaction). See projects.models.baselines.

Setting a baseline saves the plan as it is now (the project's dates, budget and scope, each
milestone's and task's dates) as a new numbered `Baseline` and copies those dates onto the
current-baseline fields that health, SPI and slippage read. Nothing of the current plan moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from common.errors import InvalidTransition, NotAllowed
from common.history import set_history_user
from common.text import SHORT_TEXT_MAX_LENGTH, clean_text
from projects.models import Baseline, BaselineEntry, Milestone, Project, Task
from projects.permissions import can_edit_plan

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def baseline_set_first(
    *, actor: User, project: Project, reason: str = "", from_current_plan: bool = True
) -> Baseline:
    """The PM saves the agreed plan as baseline 1: the current plan, or (`from_current_plan`
    False) the dates the project, its milestones and tasks were created with, which keeps the
    slippage since then. Once a baseline exists only an approved change request sets another
    (the client agreed to it), so InvalidTransition then."""
    if not can_edit_plan(actor, project):
        raise NotAllowed()
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.baselines.exists():
        raise InvalidTransition(
            _(
                "The plan already has a baseline: only a change request approved by both sides "
                "re-baselines it."
            )
        )
    reason = clean_text(
        reason,
        field="reason",
        label=_("Reason"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
    )
    return _save(
        locked,
        actor=actor,
        reason=reason or _("The agreed plan"),
        change_reference="",
        current=from_current_plan,
    )


def baseline_for_change(
    *, actor: User, project: Project, change_reference: str, title: str
) -> Baseline:
    """Re-baseline the plan for an approved change request (called inside its transaction,
    after the change moved the current plan)."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    reason = f"{change_reference}: {title}"[:SHORT_TEXT_MAX_LENGTH]
    return _save(locked, actor=actor, reason=reason, change_reference=change_reference)


def _save(
    project: Project, *, actor: User, reason: str, change_reference: str, current: bool = True
) -> Baseline:
    """Save the plan as a new baseline: the current dates, or (`current` False) the dates in the
    current-baseline fields, each falling back on the current date where it has none."""
    number = (project.baselines.aggregate(last=Max("number"))["last"] or 0) + 1
    baseline = Baseline.objects.create(
        project=project,
        number=number,
        reason=reason,
        change_reference=change_reference,
        start_date=project.start_date if current else project.baseline_start_date,
        end_date=project.end_date if current else project.baseline_end_date,
        budget=project.budget,
        scope_statement=project.scope_statement,
        set_by=actor,
    )
    milestones = Milestone.objects.filter(project=project).only(
        "pk", "name", "visibility", "due_date", "baseline_due_date", "position"
    )
    tasks = Task.objects.filter(project=project).only(
        "pk",
        "name",
        "visibility",
        "start_date",
        "due_date",
        "baseline_start_date",
        "baseline_due_date",
        "position",
    )
    BaselineEntry.objects.bulk_create(
        [
            BaselineEntry(
                baseline=baseline,
                kind=BaselineEntry.Kind.MILESTONE,
                milestone=m,
                name=m.name,
                visibility=m.visibility,
                due_date=m.due_date if current else (m.baseline_due_date or m.due_date),
                position=m.position,
            )
            for m in milestones
        ]
        + [
            BaselineEntry(
                baseline=baseline,
                kind=BaselineEntry.Kind.TASK,
                task=t,
                name=t.name,
                visibility=t.visibility,
                start_date=t.start_date if current else (t.baseline_start_date or t.start_date),
                due_date=t.due_date if current else (t.baseline_due_date or t.due_date),
                position=t.position,
            )
            for t in tasks
        ]
    )
    # The current-baseline fields: one UPDATE each (the baseline rows are the record).
    if current:
        Milestone.objects.filter(project=project).update(baseline_due_date=F("due_date"))
        Task.objects.filter(project=project).update(
            baseline_start_date=F("start_date"), baseline_due_date=F("due_date")
        )
    else:
        Milestone.objects.filter(project=project, baseline_due_date__isnull=True).update(
            baseline_due_date=F("due_date")
        )
        Task.objects.filter(project=project, baseline_due_date__isnull=True).update(
            baseline_start_date=F("start_date"), baseline_due_date=F("due_date")
        )
    project.baseline_start_date = baseline.start_date
    project.baseline_end_date = baseline.end_date
    set_history_user(project, actor)
    project.save(update_fields=["baseline_start_date", "baseline_end_date", "updated_at"])
    return baseline
