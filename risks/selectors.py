"""Reads for the risk register, scoped by the permission layer: the provider side (and staff
admins) sees every risk of its projects, a client member only client-visible ones, and never the
team's internal note (client pages, the client API serializer and reports do not render it).

Lists, the heat map, the exposure chart, the portfolio columns and the health signal each cost a
fixed number of queries whatever the number of risks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, NotFound
from projects.models import Project, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.selectors.search import project_items_scope_for
from risks.models import (
    SCALE,
    Assessment,
    Category,
    Issue,
    Level,
    MitigationAction,
    Risk,
    RiskSettings,
)

if TYPE_CHECKING:
    from accounts.models import User


def risk_settings_of(project: Project) -> RiskSettings:
    """The project's risk settings, or the defaults (unsaved) until the PM saves them. Cached
    on the project object for the request."""
    cached = getattr(project, "_risk_settings", None)
    if cached is not None:
        return cached
    settings = RiskSettings.objects.filter(project=project).first() or RiskSettings(project=project)
    project._risk_settings = settings  # type: ignore[attr-defined]
    return settings


# --- Filters ------------------------------------------------------------------------------------

OVERDUE = "overdue"


@dataclass
class RiskFilters:
    level: str = ""
    category: str = ""
    owner: int | None = None
    status: str = ""
    overdue_review: bool = False
    probability: int | None = None
    impact: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: Any, *, strict: bool = False) -> RiskFilters:
        """Read GET parameters. Pages ignore unknown values (and say so in `errors`); the API
        (`strict`) refuses them with InvalidInput naming the parameter."""
        filters = cls()
        choices = {
            "level": [*Level.values, "unassessed"],
            "category": Category.values,
            "status": [*Risk.Status.values, "active"],
        }
        for name, allowed in choices.items():
            value = (query.get(name) or "").strip()
            if value and value not in allowed:
                filters.errors[name] = _("Unknown value: %(value)s.") % {"value": value}
            elif value:
                setattr(filters, name, value)
        for name in ("owner", "probability", "impact"):
            raw = (query.get(name) or "").strip()
            if not raw:
                continue
            try:
                number = int(raw)
            except ValueError:
                number = None
            if number is None or (name != "owner" and number not in SCALE):
                filters.errors[name] = _("Unknown value: %(value)s.") % {"value": raw}
            else:
                setattr(filters, name, number)
        overdue = (query.get("overdue_review") or "").strip().lower()
        if overdue in ("1", "true", "yes", "on"):
            filters.overdue_review = True
        elif overdue and overdue not in ("0", "false", "no", "off"):
            filters.errors["overdue_review"] = _("Unknown value: %(value)s.") % {"value": overdue}
        if strict and filters.errors:
            name, message = next(iter(filters.errors.items()))
            raise InvalidInput(message, field=name)
        return filters

    @property
    def is_empty(self) -> bool:
        return not (
            self.level
            or self.category
            or self.owner
            or self.status
            or self.overdue_review
            or self.probability
            or self.impact
        )

    def apply(self, queryset: QuerySet[Risk], *, today: date) -> QuerySet[Risk]:
        if self.level == "unassessed":
            queryset = queryset.filter(score__isnull=True)
        elif self.level:
            queryset = queryset.filter(level=self.level)
        if self.category:
            queryset = queryset.filter(category=self.category)
        if self.owner:
            queryset = queryset.filter(owner_id=self.owner)
        if self.status == "active":
            queryset = queryset.filter(status__in=Risk.ACTIVE)
        elif self.status:
            queryset = queryset.filter(status=self.status)
        if self.overdue_review:
            queryset = queryset.filter(overdue_review_filter(today))
        if self.probability:
            queryset = queryset.filter(probability=self.probability)
        if self.impact:
            queryset = queryset.filter(impact=self.impact)
        return queryset


def overdue_review_filter(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": Risk.ACTIVE, f"{prefix}next_review_date__lt": today})


# --- Lists and single risks ---------------------------------------------------------------------


def _visible(user: User, project: Project) -> QuerySet[Risk]:
    if not can_view_project(user, project):
        return Risk.objects.none()
    risks = Risk.objects.filter(project=project)
    if not can_view_internal_items(user, project):
        risks = risks.filter(visibility=Visibility.CLIENT)
    return risks


def risk_list_for(
    *, user: User, project: Project, filters: RiskFilters | None = None, today: date | None = None
) -> QuerySet[Risk]:
    """The project's risks `user` may see, filtered: unassessed first (they await the PM), then
    by score, highest first. Owners, open action counts and overdue flags come in one query."""
    today = today or timezone.localdate()
    risks = _visible(user, project)
    if filters is not None:
        risks = filters.apply(risks, today=today)
    return (
        risks.select_related("project", "owner", "raised_by")
        .annotate(
            open_action_count=Count("actions", filter=Q(actions__is_done=False)),
            is_review_overdue=Count("pk", filter=overdue_review_filter(today)),
        )
        .order_by(F("score").desc(nulls_first=True), "number")
    )


def risk_get_for(*, user: User, project: Project, risk_id: int) -> Risk:
    """One risk with its actions and assessments, or the same NotFound for a missing and a
    hidden one."""
    risk = (
        _visible(user, project)
        .filter(pk=risk_id)
        .select_related("project", "owner", "raised_by")
        .prefetch_related(
            Prefetch("actions", queryset=MitigationAction.objects.select_related("owner")),
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("assessed_by").order_by(
                    "assessed_at", "id"
                ),
            ),
        )
        .first()
    )
    if risk is None:
        raise NotFound()
    return risk


def risk_links_for(*, user: User, risk: Risk) -> dict[str, list[Any]]:
    """The requirements, milestones and change requests linked to the risk (the provider side's
    view: links are not shown to clients)."""
    if not can_view_internal_items(user, risk.project):
        return {"requirements": [], "milestones": [], "change_requests": []}
    return {
        "requirements": list(risk.requirements.all()),
        "milestones": list(risk.milestones.all()),
        "change_requests": list(risk.change_requests.all()),
    }


def issue_list_for(*, user: User, project: Project) -> QuerySet[Issue]:
    """The issue log (risks that occurred) as `user` may see it."""
    if not can_view_project(user, project):
        return Issue.objects.none()
    issues = Issue.objects.filter(project=project)
    if not can_view_internal_items(user, project):
        issues = issues.filter(visibility=Visibility.CLIENT)
    return issues.select_related("owner", "risk").order_by("-number")


def issue_get_for(*, user: User, project: Project, issue_id: int) -> Issue:
    issue = issue_list_for(user=user, project=project).filter(pk=issue_id).first()
    if issue is None:
        raise NotFound()
    return issue


# --- Heat map -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    probability: int
    impact: int
    score: int
    level: str
    count: int


def heat_map_for(
    *, user: User, project: Project, filters: RiskFilters | None = None
) -> list[list[HeatCell]]:
    """The 5x5 grid of the active, assessed risks `user` may see (rows: probability 5 to 1;
    columns: impact 1 to 5), each cell with its count and its level on the project's thresholds.
    One query (plus the settings)."""
    risks = _visible(user, project).filter(status__in=Risk.ACTIVE, score__isnull=False)
    if filters is not None:
        cell_free = RiskFilters(
            level=filters.level,
            category=filters.category,
            owner=filters.owner,
            status=filters.status,
            overdue_review=filters.overdue_review,
        )
        risks = cell_free.apply(risks, today=timezone.localdate())
    counts = {
        (row["probability"], row["impact"]): row["n"]
        for row in risks.order_by().values("probability", "impact").annotate(n=Count("pk"))
    }
    settings = risk_settings_of(project)
    return [
        [HeatCell(p, i, p * i, settings.level_for(p * i), counts.get((p, i), 0)) for i in SCALE]
        for p in reversed(SCALE)
    ]


# --- Exposure over time -------------------------------------------------------------------------

EXPOSURE_POINTS = 12


def exposure_series_for(
    *, user: User, project: Project, today: date | None = None
) -> dict[str, Any]:
    """The project's risk exposure over time, from the assessment history: at each point (up
    to 12, evenly from the first assessment to today), the sum of the scores of the risks then
    active (each at its latest assessment by that day) and their count per level. One query."""
    today = today or timezone.localdate()
    scope = _visible(user, project)
    first = (
        Assessment.objects.filter(risk__in=scope.values("pk"))
        .order_by("assessed_at")
        .values_list("assessed_at", flat=True)
        .first()
    )
    if first is None:
        return {"labels": [], "score": [], "levels": {}, "names": _series_names()}
    start = timezone.localtime(first).date()
    span = max((today - start).days, 0)
    step = max(1, -(-span // (EXPOSURE_POINTS - 1))) if span else 1
    days = sorted({min(start + timedelta(days=step * n), today) for n in range(EXPOSURE_POINTS)})
    zone = timezone.get_current_timezone()
    ends = [
        connection.ops.adapt_datetimefield_value(
            datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
        )
        for day in days
    ]
    scope_sql, scope_params = scope.values("pk").query.sql_with_params()
    points = " UNION ALL ".join(["SELECT %s AS n, %s AS day_end"] * len(ends))
    point_params: list[Any] = []
    for index, end in enumerate(ends):
        point_params += [index, end]
    assessment = Assessment._meta.db_table
    risk = Risk._meta.db_table
    level_columns = ", ".join(
        f"SUM(CASE WHEN a.level = '{level}' THEN 1 ELSE 0 END)" for level in Level.values
    )
    sql = f"""
        SELECT d.n, COALESCE(SUM(a.score), 0), {level_columns}
        FROM ({points}) d
        LEFT JOIN {risk} r ON r.id IN ({scope_sql})
            AND (r.closed_at IS NULL OR r.closed_at >= d.day_end)
            AND (r.occurred_at IS NULL OR r.occurred_at >= d.day_end)
        LEFT JOIN {assessment} a ON a.id = (
            SELECT a2.id FROM {assessment} a2
            WHERE a2.risk_id = r.id AND a2.assessed_at < d.day_end
            ORDER BY a2.assessed_at DESC, a2.id DESC LIMIT 1
        )
        GROUP BY d.n ORDER BY d.n
    """  # noqa: S608  (table names and levels are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*point_params, *scope_params])
        rows = cursor.fetchall()
    by_point = {row[0]: row for row in rows}
    levels: dict[str, list[int]] = {level: [] for level in Level.values}
    scores: list[int] = []
    for index in range(len(days)):
        row = by_point.get(index)
        scores.append(int(row[1]) if row else 0)
        for offset, level in enumerate(Level.values):
            levels[level].append(int(row[2 + offset] or 0) if row else 0)
    return {
        "labels": [day.isoformat() for day in days],
        "score": scores,
        "levels": levels,
        "names": _series_names(),
    }


def _series_names() -> dict[str, str]:
    return {"score": _("Exposure (sum of scores)"), **{v: str(Level(v).label) for v in Level}}


# --- Overview, portfolio, reports ---------------------------------------------------------------


def top_risks_for(*, user: User, project: Project, limit: int = 5) -> list[Risk]:
    """The highest-scored active risks `user` may see (the project overview). One query."""
    return list(
        _visible(user, project)
        .filter(status__in=Risk.ACTIVE, score__isnull=False)
        .select_related("owner")
        .order_by("-score", "number")[:limit]
    )


def annotate_risks(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The portfolio's risk columns (the team's view: internal risks count): open risks, open
    critical ones and the top risk's title, level and id, as subqueries of the same query."""
    active = Risk.objects.filter(project=OuterRef("pk"), status__in=Risk.ACTIVE)

    def count(queryset: QuerySet[Risk]) -> Coalesce:
        counted = queryset.order_by().values("project").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    top = active.filter(score__isnull=False).order_by("-score", "number")
    return projects.annotate(
        open_risk_count=count(active),
        critical_risk_count=count(active.filter(level=Level.CRITICAL)),
        top_risk_id=Subquery(top.values("pk")[:1]),
        top_risk_number=Subquery(top.values("number")[:1]),
        top_risk_title=Subquery(top.values("title")[:1]),
        top_risk_level=Subquery(top.values("level")[:1]),
    )


def portfolio_columns(projects: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    """The portfolio's risk columns (projects.selectors.portfolio): see annotate_risks."""
    return annotate_risks(projects)


def client_risks_for_report(project: Project) -> list[dict[str, Any]]:
    """What a status report shows of the risks: the client-visible active ones with their
    level, response and owner; never the internal note. One query."""
    return client_risks_for_reports([project])[project.pk]


def client_risks_for_reports(projects: Sequence[Project]) -> dict[int, list[dict[str, Any]]]:
    """client_risks_for_report of several projects, by id, in one query."""
    risks = (
        Risk.objects.filter(
            project__in=[project.pk for project in projects],
            visibility=Visibility.CLIENT,
            status__in=Risk.ACTIVE,
        )
        .select_related("owner")
        .order_by("project_id", F("score").desc(nulls_last=True), "number")
    )
    result: dict[int, list[dict[str, Any]]] = {project.pk: [] for project in projects}
    for risk in risks:
        result[risk.project_id].append(
            {
                "reference": risk.reference,
                "title": risk.title,
                "category": risk.get_category_display(),
                "score": risk.score,
                "level": risk.level,
                "level_label": risk.get_level_display() if risk.level else _("Not assessed yet"),
                "strategy": risk.strategy,
                "strategy_label": risk.get_strategy_display(),
                "owner": risk.owner.display_name if risk.owner else "",
                "status": risk.get_status_display(),
                "next_review_date": risk.next_review_date,
            }
        )
    return result


def risk_search_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Risk]:
    return project_items_scope_for(
        Risk.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=Q(visibility=Visibility.CLIENT),
    )


# --- History ------------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: datetime
    who: str
    kind: str  # created, changed, deleted
    changes: list[tuple[str, str, str]]


def _display(risk_field: Any, value: Any) -> str:
    if value in (None, ""):
        return "—"
    choices = dict(risk_field.flatchoices) if risk_field.choices else None
    if choices is not None:
        return str(choices.get(value, value))
    return str(value)


def risk_timeline(*, risk: Risk) -> list[TimelineEntry]:
    """The risk's history as a timeline: who changed which fields from what to what (the
    internal note is not kept in history). Two queries."""
    from accounts.models import User as UserModel

    records = list(risk.history.order_by("history_date", "history_id"))
    people = {r.history_user_id for r in records} | {r.owner_id for r in records}
    people.discard(None)
    names = dict(UserModel.objects.filter(pk__in=people).values_list("pk", "display_name"))
    entries: list[TimelineEntry] = []
    previous = None
    for record in records:
        who = names.get(record.history_user_id, "—")
        if previous is None or record.history_type == "+":
            entries.append(TimelineEntry(record.history_date, who, "created", []))
        else:
            delta = record.diff_against(previous)
            changes = []
            for change in delta.changes:
                if change.field in ("assessed_at",):
                    continue
                model_field = Risk._meta.get_field(change.field)
                old, new = change.old, change.new
                if model_field.is_relation:  # the owner: a person's name, not an id
                    old, new = names.get(old, old), names.get(new, new)
                changes.append(
                    (
                        str(model_field.verbose_name),
                        _display(model_field, old),
                        _display(model_field, new),
                    )
                )
            if changes:
                entries.append(TimelineEntry(record.history_date, who, "changed", changes))
        previous = record
    return entries
