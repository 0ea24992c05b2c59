"""Reads for time and cost, scoped to what the user may see.

The provider side (PM, AM, team, staff admins) sees costs; a team member sees only their own
time entries among the team's. The client sees what the project's `budget_visibility` allows:
nothing; totals (budget, actual cost and earned value, SPI and CPI); or detail (also the
cost entries shared with the client and the approved hours per week).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncWeek
from django.utils import timezone

from projects.earned_value.figures import EarnedValue, project_earned_value
from projects.models import (
    STAFF_ROLES,
    BudgetVisibility,
    CostEntry,
    Membership,
    Project,
    Rate,
    Role,
    TimeEntry,
    Visibility,
)
from projects.permissions import can_view_costs, can_view_project, is_client_member, role_of

if TYPE_CHECKING:
    from accounts.models import User

# What a reader may see of a project's time and cost.
STAFF = "staff"


def cost_access_for(*, user: User, project: Project) -> str:
    """ "staff" for the provider side, else the project's budget_visibility for its client
    members, else "nothing"."""
    if can_view_costs(user, project):
        return STAFF
    if is_client_member(user, project):
        return project.budget_visibility
    return BudgetVisibility.NOTHING


def time_entry_list_for(*, user: User, project: Project) -> QuerySet[TimeEntry]:
    """The project's time entries: all for the PM, the AM and staff admins, a team member's own
    for them, none for anyone else (clients see approved hours per week at most)."""
    entries = TimeEntry.objects.filter(project=project).select_related(
        "person", "task", "approved_by"
    )
    if not can_view_costs(user, project):
        return entries.none()
    if role_of(user, project) == Role.TEAM_MEMBER:
        return entries.filter(person=user)
    return entries


def time_entry_get_for(*, user: User, project: Project, entry_id: int) -> TimeEntry | None:
    return time_entry_list_for(user=user, project=project).filter(pk=entry_id).first()


def rate_list_for(*, user: User, project: Project) -> QuerySet[Rate]:
    rates = Rate.objects.filter(project=project).select_related("user")
    return rates if can_view_costs(user, project) else rates.none()


def rate_get_for(*, user: User, project: Project, rate_id: int) -> Rate | None:
    return rate_list_for(user=user, project=project).filter(pk=rate_id).first()


def cost_entry_list_for(*, user: User, project: Project) -> QuerySet[CostEntry]:
    """All cost entries for the provider side; the client-visible ones for the client when the
    project shows it the detail; none otherwise."""
    entries = CostEntry.objects.filter(project=project).select_related("created_by")
    access = cost_access_for(user=user, project=project)
    if access == STAFF:
        return entries
    if access == BudgetVisibility.DETAIL:
        return entries.filter(visibility=Visibility.CLIENT)
    return entries.none()


def cost_entry_get_for(*, user: User, project: Project, entry_id: int) -> CostEntry | None:
    return cost_entry_list_for(user=user, project=project).filter(pk=entry_id).first()


@dataclass(frozen=True)
class WeekHours:
    week: date
    hours: Decimal


def approved_hours_by_week_for(*, user: User, project: Project) -> list[WeekHours]:
    """Approved hours per week (Monday), for the provider side and for the client with detail.
    One query."""
    access = cost_access_for(user=user, project=project)
    if access not in (STAFF, BudgetVisibility.DETAIL):
        return []
    rows = (
        TimeEntry.objects.filter(project=project, status=TimeEntry.Status.APPROVED)
        .annotate(week=TruncWeek("date"))
        .order_by("week")
        .values("week")
        .annotate(hours=Sum("hours"))
    )
    return [WeekHours(week=row["week"], hours=row["hours"]) for row in rows]


# The figures a client sees with "totals" (and "detail"); the provider side sees them all.
CLIENT_FIGURES = frozenset({"status_date", "currency", "bac", "ev", "ac", "spi", "cpi"})


def earned_value_for(
    *, user: User, project: Project, status_date: date | None = None
) -> dict[str, object] | None:
    """The earned value figures the user may see, by name, or None if none."""
    access = cost_access_for(user=user, project=project)
    if access == BudgetVisibility.NOTHING:
        return None
    figures = project_earned_value(project, status_date=status_date or timezone.localdate())
    values = {name: getattr(figures, name) for name in EarnedValue.__dataclass_fields__}
    if access != STAFF:
        values = {name: value for name, value in values.items() if name in CLIENT_FIGURES}
    return values


def time_entries_awaiting_approval(*, user: User, project: Project) -> int:
    return (
        time_entry_list_for(user=user, project=project)
        .filter(Q(status=TimeEntry.Status.SUBMITTED))
        .count()
    )


@dataclass(frozen=True)
class CostFormChoices:
    """What the tab's forms offer: the tasks `user` may see (id, name) in the plan's order,
    and the project's staff (id, name, role) by name."""

    tasks: list[tuple[int, str]]
    staff: list[tuple[int, str, str]]


def cost_form_choices_for(*, user: User, project: Project) -> CostFormChoices:
    """The time and cost tab's choices in one query: the tasks (only their ids and names,
    however many) and the staff's memberships."""
    from projects.selectors.tasks import task_list_for

    columns = ("c_kind", "c_pk", "c_label", "c_role", "c_position")
    tasks = (
        task_list_for(user=user, project=project)
        .order_by()
        .annotate(
            c_kind=Value(0),
            c_pk=F("pk"),
            c_label=F("name"),
            c_role=Value(""),
            c_position=F("position"),
        )
        .values_list(*columns)
    )
    staff = (
        Membership.objects.filter(project=project, role__in=STAFF_ROLES)
        .order_by()
        .annotate(
            c_kind=Value(1),
            c_pk=F("user_id"),
            c_label=F("user__display_name"),
            c_role=F("role"),
            c_position=Value(0),
        )
        .values_list(*columns)
    )
    rows = list(tasks.union(staff, all=True)) if can_view_project(user, project) else []
    # Tasks by position and id (the plan's order), people by name.
    rows.sort(key=lambda row: (row[0], row[4], row[2] if row[0] else "", row[1]))
    return CostFormChoices(
        tasks=[(pk, label) for kind, pk, label, _role, _position in rows if kind == 0],
        staff=[(pk, label, role) for kind, pk, label, role, _position in rows if kind == 1],
    )
