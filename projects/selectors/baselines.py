"""Reads of baselines: the list, and one baseline compared with another or with the current plan.

A client member reads every baseline (the plan agreed with them) but, inside each, only the
milestones and tasks that were client-visible when it was set and still are (an item made
internal since drops out), and the budget only as far as the project's budget_visibility lets
them see totals. Three queries for a comparison against the current plan, four between two
baselines, whatever the number of items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from common.errors import NotFound
from projects.models import Baseline, BaselineEntry, BudgetVisibility, Milestone, Task, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.selectors.costs import STAFF, cost_access_for

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project


@dataclass(frozen=True)
class PlanDates:
    """One side of a comparison: a baseline's figures, or the current plan's (baseline None)."""

    baseline: Baseline | None
    start_date: date | None
    end_date: date | None
    budget: Decimal | None  # None when the reader may not see it
    scope_statement: str


@dataclass(frozen=True)
class ComparedItem:
    kind: str  # BaselineEntry.Kind
    name: str
    left_start: date | None
    left_due: date | None
    right_start: date | None
    right_due: date | None
    in_left: bool
    in_right: bool

    @property
    def shift_days(self) -> int | None:
        """How many calendar days the item's due date moved from left to right."""
        if self.left_due is None or self.right_due is None:
            return None
        return (self.right_due - self.left_due).days

    @property
    def shift_abs(self) -> int | None:
        return None if self.shift_days is None else abs(self.shift_days)


@dataclass(frozen=True)
class Comparison:
    left: PlanDates
    right: PlanDates
    items: list[ComparedItem]

    @property
    def end_shift_days(self) -> int | None:
        if self.left.end_date is None or self.right.end_date is None:
            return None
        return (self.right.end_date - self.left.end_date).days

    @property
    def end_shift_abs(self) -> int | None:
        return None if self.end_shift_days is None else abs(self.end_shift_days)

    @property
    def budget_change(self) -> Decimal | None:
        if self.left.budget is None or self.right.budget is None:
            return None
        return self.right.budget - self.left.budget

    @property
    def scope_changed(self) -> bool:
        return self.left.scope_statement != self.right.scope_statement


def _check(user: User, project: Project) -> bool:
    """Whether the reader sees internal items; NotFound if they may not open the project."""
    if not can_view_project(user, project):
        raise NotFound
    return bool(can_view_internal_items(user, project))


def sees_budget(user: User, project: Project) -> bool:
    return cost_access_for(user=user, project=project) in (
        STAFF,
        BudgetVisibility.TOTALS,
        BudgetVisibility.DETAIL,
    )


def baseline_list_for(*, user: User, project: Project) -> QuerySet[Baseline]:
    """Every baseline of the project, the newest (the current one) first."""
    _check(user, project)
    return Baseline.objects.filter(project=project).select_related("set_by").order_by("-number")


def _entries(baseline: Baseline, internal: bool) -> list[BaselineEntry]:
    entries = BaselineEntry.objects.filter(baseline=baseline)
    if not internal:
        entries = entries.filter(visibility=Visibility.CLIENT).exclude(
            Q(milestone__visibility=Visibility.INTERNAL) | Q(task__visibility=Visibility.INTERNAL)
        )
    return list(entries.order_by("kind", "position", "id"))


def _key(kind: str, item_id: int | None, name: str) -> tuple[str, str]:
    return (kind, str(item_id) if item_id is not None else f"name:{name}")


def _current_entries(project: Project, internal: bool) -> list[BaselineEntry]:
    """The current plan's milestones and tasks in the shape of baseline entries (not saved)."""
    milestones = Milestone.objects.filter(project=project).only(
        "pk", "name", "visibility", "due_date", "position"
    )
    tasks = Task.objects.filter(project=project).only(
        "pk", "name", "visibility", "start_date", "due_date", "position"
    )
    if not internal:
        milestones = milestones.filter(visibility=Visibility.CLIENT)
        tasks = tasks.filter(visibility=Visibility.CLIENT)
    return [
        BaselineEntry(
            kind=BaselineEntry.Kind.MILESTONE,
            milestone_id=m.pk,
            name=m.name,
            visibility=m.visibility,
            due_date=m.due_date,
            position=m.position,
        )
        for m in milestones
    ] + [
        BaselineEntry(
            kind=BaselineEntry.Kind.TASK,
            task_id=t.pk,
            name=t.name,
            visibility=t.visibility,
            start_date=t.start_date,
            due_date=t.due_date,
            position=t.position,
        )
        for t in tasks
    ]


def _keyed(entries: list[BaselineEntry]) -> dict[tuple[str, str], BaselineEntry]:
    return {
        _key(e.kind, e.milestone_id if e.kind == "milestone" else e.task_id, e.name): e
        for e in entries
    }


def baseline_comparison_for(
    *, user: User, project: Project, left: Baseline, right: Baseline | None
) -> Comparison:
    """`left` (a baseline) against `right` (a later baseline, or None: the current plan), item by
    item: the milestones first, then the tasks, in the order of the right side then the left."""
    internal = _check(user, project)
    shows_budget = sees_budget(user, project)
    left_dates = PlanDates(
        baseline=left,
        start_date=left.start_date,
        end_date=left.end_date,
        budget=left.budget if shows_budget else None,
        scope_statement=left.scope_statement,
    )
    if right is None:
        right_dates = PlanDates(
            baseline=None,
            start_date=project.start_date,
            end_date=project.end_date,
            budget=project.budget if shows_budget else None,
            scope_statement=project.scope_statement,
        )
        right_entries = _current_entries(project, internal)
    else:
        right_dates = PlanDates(
            baseline=right,
            start_date=right.start_date,
            end_date=right.end_date,
            budget=right.budget if shows_budget else None,
            scope_statement=right.scope_statement,
        )
        right_entries = _entries(right, internal)
    left_by_key = _keyed(_entries(left, internal))
    right_by_key = _keyed(right_entries)
    order = list(right_by_key) + [key for key in left_by_key if key not in right_by_key]
    order.sort(key=lambda key: 0 if key[0] == BaselineEntry.Kind.MILESTONE else 1)
    items = []
    for key in order:
        before, after = left_by_key.get(key), right_by_key.get(key)
        shown = after or before
        if shown is None:  # never: every key comes from one side
            continue
        items.append(
            ComparedItem(
                kind=key[0],
                name=shown.name,
                left_start=before.start_date if before else None,
                left_due=before.due_date if before else None,
                right_start=after.start_date if after else None,
                right_due=after.due_date if after else None,
                in_left=before is not None,
                in_right=after is not None,
            )
        )
    return Comparison(left=left_dates, right=right_dates, items=items)
