"""The PM's portfolio ("My projects") and the same figures at a glance on a project's overview:
every figure is an SQL annotation, so a page of projects costs a fixed number of queries.

Other apps add their own columns (open risks, overdue action items ...) as **portfolio columns**:
a callable registered once, at app start-up (in its `AppConfig.ready()`):

    from projects.selectors.portfolio import register_portfolio_columns

    def risk_columns(projects, *, today):
        return projects.annotate(open_risk_count=...)

    register_portfolio_columns(risk_columns)

It receives the queryset of projects and the day of evaluation, and returns the queryset with its
annotations (subqueries of the same query, never a query per project). What it builds may depend
on the day, the time zone and the language, nothing else: a page of the portfolio and a project's
glance are compiled to SQL once per day, time zone, language and number of projects
(common.compiled.CompiledRows) and read by their ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from accounts.models import Organization
from common.compiled import CompiledRows
from common.errors import NotFound
from projects.earned_value.figures import (
    annotate_earned_value,
    earned_value_of,
    load_budget_changes,
)
from projects.health import Health, health_rank, overdue_milestone_filter, project_health_many
from projects.models import Deliverable, HealthStatus, Milestone, Phase, Project, Visibility
from projects.permissions import can_view_project
from projects.selectors.core import objective_rows

if TYPE_CHECKING:
    from accounts.models import User

SORTS = ("name", "next_milestone", "health")

PortfolioColumns = Callable[..., QuerySet[Project]]
_columns: list[PortfolioColumns] = []


def register_portfolio_columns(columns: PortfolioColumns) -> PortfolioColumns:
    """Add columns from another app (see the module's docstring). Usable as a decorator;
    registering the same callable twice has no effect."""
    if columns not in _columns:
        _columns.append(columns)
    return columns


def unregister_portfolio_columns(columns: PortfolioColumns) -> None:
    """For tests."""
    if columns in _columns:
        _columns.remove(columns)


def count_per_project(queryset: QuerySet[Any]) -> Coalesce:
    """The number of rows of `queryset` of the outer project (it is filtered on
    project=OuterRef("pk") here), as a subquery: counts of several tables side by side without
    multiplying joins."""
    counted = (
        queryset.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


OPEN_DELIVERY = [Deliverable.Status.IN_PROGRESS, Deliverable.Status.REJECTED]


def annotate_portfolio(projects: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    """Add what the portfolio shows of each project (the team's view: internal items count),
    with the sums of its earned value at `today` (SPI and CPI; the work of its budget changes
    is read by `_with_health`, one more query for all the projects that have any)."""
    overdue_milestones = Milestone.objects.filter(overdue_milestone_filter(today))
    next_milestone = (
        Milestone.objects.filter(project=OuterRef("pk"))
        .exclude(status=Milestone.Status.COMPLETED)
        .order_by("due_date", "position", "id")
    )
    projects = annotate_earned_value(projects, status_date=today)
    for columns in _columns:
        projects = columns(projects, today=today)
    return projects.select_related("client", "health_override_by").annotate(
        overdue_milestone_count=count_per_project(overdue_milestones),
        overdue_client_milestone_count=count_per_project(
            overdue_milestones.filter(visibility=Visibility.CLIENT)
        ),
        overdue_deliverable_count=count_per_project(
            Deliverable.objects.filter(due_date__lt=today, status__in=OPEN_DELIVERY)
        ),
        awaiting_client_count=count_per_project(
            Deliverable.objects.filter(status=Deliverable.Status.SUBMITTED)
        ),
        deliverable_count=count_per_project(Deliverable.objects.all()),
        accepted_deliverable_count=count_per_project(
            Deliverable.objects.filter(status__in=Deliverable.ACCEPTED_STATES)
        ),
        next_milestone_name=Subquery(next_milestone.values("name")[:1]),
        next_milestone_due=Subquery(next_milestone.values("due_date")[:1]),
    )


def _read_key(today: date) -> tuple[Any, ...]:
    """What a compiled read of the portfolio's figures depends on: the day, the time zone and
    the language it is built in, and the columns registered."""
    return (
        today,
        timezone.get_current_timezone_name(),
        translation.get_language(),
        tuple(_columns),
    )


# A page of the portfolio and a project's glance (with its objectives), read by their ids.
_portfolio_read = CompiledRows(lambda key: annotate_portfolio(Project.objects.all(), today=key[0]))
_glance_read = CompiledRows(
    lambda key: annotate_portfolio(
        Project.objects.select_related("client", "health_override_by").annotate(
            objective_rows=objective_rows()
        ),
        today=key[0],
    )
)


@dataclass
class PortfolioFilters:
    phase: str = ""
    health: str = ""
    client: int | None = None
    sort: str = "name"

    @classmethod
    def from_query(cls, query: dict[str, str]) -> PortfolioFilters:
        """Read the GET parameters; unknown values are ignored rather than refused."""
        phase = query.get("phase", "")
        health = query.get("health", "")
        sort = query.get("sort", "name")
        try:
            client = int(query.get("client") or "") or None
        except ValueError:
            client = None
        return cls(
            phase=phase if phase in Phase.values else "",
            health=health if health in HealthStatus.values else "",
            client=client,
            sort=sort if sort in SORTS else "name",
        )


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _with_health(projects: list[Project], today: date) -> list[Project]:
    # The work of every budget change of the page at once (one query, none without any), for
    # the health signals and the figures below.
    load_budget_changes(projects, status_date=today)
    healths = project_health_many(projects, today=today)
    for project in projects:
        health: Health = healths[project.pk]
        project.health = health  # type: ignore[attr-defined]
        project.overdue_count = (  # type: ignore[attr-defined]
            project.overdue_milestone_count + project.overdue_deliverable_count  # type: ignore[attr-defined]
        )
        project.earned_value = earned_value_of(project, status_date=today)  # type: ignore[attr-defined]
        project.progress = _percent(  # type: ignore[attr-defined]
            project.accepted_deliverable_count,  # type: ignore[attr-defined]
            project.deliverable_count,  # type: ignore[attr-defined]
        )
    return projects


def project_portfolio_for(
    *, user: User, filters: PortfolioFilters | None = None, today: date | None = None
) -> list[Project]:
    """The user's active projects with health, phase, next milestone, decisions awaited from
    the client, overdue items and progress, filtered and sorted.

    Health comes from pluggable signals that are not SQL, so the health filter and sort apply
    after one bulk evaluation of all the user's projects: a fixed number of queries, and a list
    as long as the user's own portfolio (callers paginate it).
    """
    filters = filters or PortfolioFilters()
    today = today or timezone.localdate()
    projects = Project.objects.visible_to(user).filter(is_archived=False)
    if filters.phase:
        projects = projects.filter(phase=filters.phase)
    if filters.client:
        projects = projects.filter(client_id=filters.client)
    rows = _with_health(
        list(annotate_portfolio(projects, today=today).order_by("name", "pk")), today
    )
    if filters.health:
        rows = [row for row in rows if row.health.status == filters.health]  # type: ignore[attr-defined]
    if filters.sort == "health":
        rows.sort(key=lambda row: (-health_rank(row.health.status), row.name))  # type: ignore[attr-defined]
    elif filters.sort == "next_milestone":
        rows.sort(key=lambda row: (row.next_milestone_due or date.max, row.name))  # type: ignore[attr-defined]
    return rows


class PortfolioRows(Sequence[Project]):
    """The portfolio ordered in SQL, for a paginator: its length is a COUNT, and a slice
    annotates and computes the health of its own rows only, so that a page of a staff admin's
    ten thousand projects costs what a page of a PM's twenty does."""

    def __init__(self, projects: QuerySet[Project], *, today: date) -> None:
        self._projects = projects
        self._today = today
        self._length: int | None = None

    def __len__(self) -> int:
        if self._length is None:
            self._length = self._projects.count()
        return self._length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise ValueError("PortfolioRows slices without a step")
            ids = list(self._projects.values_list("pk", flat=True)[index])
            page = _portfolio_read.read(ids, _read_key(self._today))
            return _with_health(page, self._today)
        rows = self[index : index + 1]
        if not rows:
            raise IndexError(index)
        return rows[0]


def project_portfolio_rows(
    *, user: User, filters: PortfolioFilters | None = None, today: date | None = None
) -> Sequence[Project]:
    """`project_portfolio_for` for a paginator: ordered and sliced in SQL, but when the health
    filters or sorts (health is computed, not stored: then every project is evaluated)."""
    filters = filters or PortfolioFilters()
    if filters.health or filters.sort == "health":
        return project_portfolio_for(user=user, filters=filters, today=today)
    today = today or timezone.localdate()
    projects: QuerySet[Project] = Project.objects.visible_to(user).filter(is_archived=False)
    if filters.phase:
        projects = projects.filter(phase=filters.phase)
    if filters.client:
        projects = projects.filter(client_id=filters.client)
    if filters.sort == "next_milestone":
        projects = _annotate_next_milestone_due(projects).order_by(
            F("next_due").asc(nulls_last=True), "name", "pk"
        )
    else:
        projects = projects.order_by("name", "pk")
    return PortfolioRows(projects, today=today)


def _annotate_next_milestone_due(projects: QuerySet[Project]) -> QuerySet[Project]:
    next_milestone = (
        Milestone.objects.filter(project=OuterRef("pk"))
        .exclude(status=Milestone.Status.COMPLETED)
        .order_by("due_date", "position", "id")
    )
    return projects.annotate(next_due=Subquery(next_milestone.values("due_date")[:1]))


def project_glance_for(*, user: User, project: Project, today: date | None = None) -> Project:
    """The portfolio's figures for one project the caller already may see (the overview)."""
    today = today or timezone.localdate()
    row = annotate_portfolio(Project.objects.filter(pk=project.pk), today=today).get()
    return _with_health([row], today)[0]


def project_with_glance_get_for(
    *, user: User, project_id: int, today: date | None = None
) -> Project:
    """project_get_for's project (NotFound alike for a missing and a forbidden one) read with
    project_glance_for's figures and its objectives (objectives_read_with), in its one query:
    the overview reads the project once."""
    today = today or timezone.localdate()
    rows = _glance_read.read([project_id], _read_key(today))
    row = rows[0] if rows else None
    if row is None or not can_view_project(user, row):
        raise NotFound()
    return _with_health([row], today)[0]


def projects_with_health(
    project_ids: Sequence[int], *, today: date, also: dict[str, Any] | None = None
) -> dict[int, Project]:
    """The projects read with the portfolio's figures and their `health` on `today`, by id: a
    fixed number of queries however many (what a status report's health rests on). `also`
    annotates more in the same query (client_progress_columns)."""
    projects = Project.objects.filter(pk__in=project_ids).annotate(**(also or {}))
    rows = list(annotate_portfolio(projects, today=today))
    return {project.pk: project for project in _with_health(rows, today)}


def portfolio_client_choices(*, user: User) -> list[tuple[int, str]]:
    """The clients of the user's active projects, for the filter. A staff admin's are read
    client by client (each probed for an active project on its index), rather than from
    every project made distinct: 300 clients of 10,000 projects in 1.1 ms instead of 6.9."""
    active = Project.objects.visible_to(user).filter(is_archived=False)
    if user.is_staff_admin:
        return list(
            Organization.objects.filter(Exists(active.filter(client=OuterRef("pk"))))
            .order_by("name")
            .values_list("pk", "name")
        )
    return list(active.order_by("client__name").values_list("client_id", "client__name").distinct())


@dataclass(frozen=True)
class ClientProgress:
    accepted_percent: int | None
    milestones_completed: int
    milestones_total: int


def client_progress_for(*, project: Project) -> ClientProgress:
    """Progress as the client may see it: client-visible deliverables of client-visible
    milestones, and client-visible milestones. One query."""
    return client_progress_many([project])[project.pk]


def client_progress_of(milestones: Sequence[Milestone]) -> ClientProgress:
    """client_progress_for from the project's milestones as milestone_list_for gives them to a
    user who does not see internal items (each with its deliverable counts), without a query."""
    deliverables = accepted = 0
    for milestone in milestones:  # the counts milestone_list_for annotates
        deliverables += milestone.deliverable_count  # type: ignore[attr-defined]
        accepted += milestone.accepted_deliverable_count  # type: ignore[attr-defined]
    return ClientProgress(
        accepted_percent=_percent(accepted, deliverables),
        milestones_completed=sum(
            1 for milestone in milestones if milestone.status == Milestone.Status.COMPLETED
        ),
        milestones_total=len(milestones),
    )


def client_progress_columns() -> dict[str, Any]:
    """The counts client progress is made of, as annotations of a project query
    (client_progress_from reads them)."""
    visible = Q(visibility=Visibility.CLIENT)
    return {
        "visible_deliverables": count_per_project(
            Deliverable.objects.filter(visible, milestone__visibility=Visibility.CLIENT)
        ),
        "visible_accepted": count_per_project(
            Deliverable.objects.filter(
                visible,
                milestone__visibility=Visibility.CLIENT,
                status__in=Deliverable.ACCEPTED_STATES,
            )
        ),
        "visible_milestones": count_per_project(Milestone.objects.filter(visible)),
        "visible_completed": count_per_project(
            Milestone.objects.filter(visible, status=Milestone.Status.COMPLETED)
        ),
    }


def client_progress_from(counts: dict[str, int]) -> ClientProgress:
    """Client progress from the counts of client_progress_columns."""
    return ClientProgress(
        accepted_percent=_percent(counts["visible_accepted"], counts["visible_deliverables"]),
        milestones_completed=counts["visible_completed"],
        milestones_total=counts["visible_milestones"],
    )


def client_progress_many(projects: Sequence[Project]) -> dict[int, ClientProgress]:
    """client_progress_for of several projects, by id, in one query whatever their number."""
    counts = client_progress_columns()
    rows = (
        Project.objects.filter(pk__in=[project.pk for project in projects])
        .annotate(**counts)
        .values("pk", *counts)
    )
    return {row["pk"]: client_progress_from(row) for row in rows}
