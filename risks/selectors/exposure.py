"""The register's charts: the 5x5 heat map of active risks and the exposure over time from
the assessment history, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from common import formatting
from projects.models import Project
from risks.models import SCALE, Assessment, Level, Risk
from risks.selectors.register import RiskFilters, visible_risks
from risks.selectors.settings import risk_settings_of

if TYPE_CHECKING:
    from accounts.models import User

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
    risks = visible_risks(user, project).filter(status__in=Risk.ACTIVE, score__isnull=False)
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
    return _heat_map(counts, risk_settings_of(project))


def heat_map_of(risks: list[Risk], *, project: Project) -> list[list[HeatCell]]:
    """heat_map_for from risks already read: `risks` must be the risks of heat_map_for with the
    same filters save the cell (probability and impact) ones; the active, assessed ones count."""
    counts: dict[tuple[int | None, int | None], int] = {}
    for risk in risks:
        if risk.status in Risk.ACTIVE and risk.score is not None:
            key = (risk.probability, risk.impact)
            counts[key] = counts.get(key, 0) + 1
    return _heat_map(counts, risk_settings_of(project))


def _heat_map(counts: dict[Any, int], settings: Any) -> list[list[HeatCell]]:
    return [
        [HeatCell(p, i, p * i, settings.level_for(p * i), counts.get((p, i), 0)) for i in SCALE]
        for p in reversed(SCALE)
    ]


def first_assessment() -> Subquery:
    """A risk's first assessment time (an annotation for a list of risks)."""
    return Subquery(
        Assessment.objects.filter(risk=OuterRef("pk"))
        .order_by("assessed_at")
        .values("assessed_at")[:1]
    )


# --- Exposure over time -------------------------------------------------------------------------

EXPOSURE_POINTS = 12


def exposure_series_for(
    *, user: User, project: Project, today: date | None = None
) -> dict[str, Any]:
    """The project's risk exposure over time, from the assessment history: at each point (up
    to 12, evenly from the first assessment to today), the sum of the scores of the risks then
    active (each at its latest assessment by that day) and their count per level. One query."""
    scope = visible_risks(user, project)
    first = (
        Assessment.objects.filter(risk__in=scope.values("pk"))
        .order_by("assessed_at")
        .values_list("assessed_at", flat=True)
        .first()
    )
    return exposure_series_since(user=user, project=project, first=first, today=today)


def exposure_series_since(
    *, user: User, project: Project, first: datetime | None, today: date | None = None
) -> dict[str, Any]:
    """exposure_series_for with the first assessment of the risks `user` may see (`first`, None
    when there is none) already known. One query."""
    today = today or timezone.localdate()
    scope = visible_risks(user, project)
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
        "labels": [formatting.month_day(day) for day in days],
        "score": scores,
        "levels": levels,
        "names": _series_names(),
    }


def _series_names() -> dict[str, str]:
    return {
        "score": _("Exposure (sum of scores)"),
        "count": _("Active risks by level"),
        **{v: str(Level(v).label) for v in Level},
    }
