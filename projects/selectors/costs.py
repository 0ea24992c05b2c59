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

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from projects.earned_value.figures import EarnedValue, project_earned_value
from projects.models import BudgetVisibility, CostEntry, Project, Rate, Role, TimeEntry, Visibility
from projects.permissions import can_view_costs, is_client_member, role_of

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
