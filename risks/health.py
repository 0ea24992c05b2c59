"""The risk register's health signal (projects.health): active risks whose review is overdue by
more than the project's tolerance are amber, and open critical risks are red. A finding that rests
on internal risks is for the provider side only; the client reads the same finding counted over
the client-visible risks (if any)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from django.db.models import DateField, F, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from projects.earned_value.figures import DaysBetween
from projects.health import Audience, HealthFinding, register_health_signal
from projects.health import reason as lazy_reason
from projects.models import HealthStatus, Project, Visibility
from projects.selectors.portfolio import count_per_project
from risks.models import Level, Risk, RiskSettings


def _findings(
    total: int, for_client: int, status: str, reason: Callable[[int], str]
) -> list[HealthFinding]:
    def finding(count: int, audience: str) -> HealthFinding:
        return HealthFinding(status, lazy_reason(lambda: reason(count)), audience)

    if total == 0:
        return []
    if total == for_client:
        return [finding(total, Audience.EVERYONE)]
    findings = [finding(total, Audience.STAFF)]
    if for_client:
        findings.append(finding(for_client, Audience.CLIENT))
    return findings


# The reasons are sentences in the reader's language: written when the finding is read (a page's
# language, or each recipient's for a status report). The literal ngettext calls are what
# makemessages extracts.
def overdue_reason(count: int) -> str:
    return ngettext(
        "%(count)d risk review is overdue beyond the tolerance.",
        "%(count)d risk reviews are overdue beyond the tolerance.",
        count,
    ) % {"count": count}


def critical_reason(count: int) -> str:
    return ngettext("%(count)d open critical risk.", "%(count)d open critical risks.", count) % {
        "count": count
    }


# What the signal counts of each project, as annotations of the projects' query: the portfolio's
# (risks.selectors.portfolio.portfolio_columns), or its own read of the projects.
# The critical count is also the portfolio's risk column (risks.selectors.portfolio).
HEALTH_COLUMNS = (
    "critical_risk_count",
    "risk_critical_client",
    "risk_overdue",
    "risk_overdue_client",
)
# The day the columns were counted on: a project read on another day is counted again.
HEALTH_DAY = "risk_health_day"


def annotate_risk_health(projects: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    """The active risks of each project that are critical, and those whose review date is
    further in the past than the project's tolerance (its risk settings', or the default), each
    also counted over the client-visible ones: subqueries of the projects' query."""
    active = Risk.objects.filter(status__in=Risk.ACTIVE)
    critical = active.filter(level=Level.CRITICAL)
    tolerance = Coalesce(
        OuterRef("risk_settings__review_tolerance_days"),
        Value(RiskSettings.DEFAULT_REVIEW_TOLERANCE_DAYS),
    )
    overdue = (
        active.filter(next_review_date__isnull=False)
        .annotate(days_past=DaysBetween(Value(today, DateField()), F("next_review_date")))
        .filter(days_past__gt=tolerance)
    )
    client = Visibility.CLIENT
    return projects.annotate(
        **{HEALTH_DAY: Value(today, DateField())},
        critical_risk_count=count_per_project(critical),
        risk_critical_client=count_per_project(critical.filter(visibility=client)),
        risk_overdue=count_per_project(overdue),
        risk_overdue_client=count_per_project(overdue.filter(visibility=client)),
    )


def risk_health(
    projects: Sequence[Project], *, today: date
) -> Mapping[int, Iterable[HealthFinding]]:
    """Open critical risks are red, reviews overdue beyond the tolerance amber. The counts come
    with projects read with annotate_risk_health on `today` (the portfolio, the overview); the
    others are counted in one query for all."""
    counted = {
        project.pk: {column: getattr(project, column) for column in HEALTH_COLUMNS}
        for project in projects
        if getattr(project, HEALTH_DAY, None) == today
    }
    missing = [project.pk for project in projects if project.pk not in counted]
    if missing:
        rows = annotate_risk_health(Project.objects.filter(pk__in=missing), today=today)
        counted.update({row.pop("pk"): row for row in rows.values("pk", *HEALTH_COLUMNS)})
    result: dict[int, list[HealthFinding]] = {}
    for project_id, counts in counted.items():
        findings = _findings(
            counts["critical_risk_count"],
            counts["risk_critical_client"],
            HealthStatus.RED,
            critical_reason,
        )
        findings += _findings(
            counts["risk_overdue"],
            counts["risk_overdue_client"],
            HealthStatus.AMBER,
            overdue_reason,
        )
        if findings:
            result[project_id] = findings
    return result


def register() -> None:
    register_health_signal(risk_health)
