"""The risk register's health signal (projects.health): active risks whose review is overdue by
more than the project's tolerance are amber, and open critical risks are red. A finding that rests
on internal risks is for the provider side only; the client reads the same finding counted over
the client-visible risks (if any)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils.translation import ngettext

from projects.health import Audience, HealthFinding, register_health_signal
from projects.health import reason as lazy_reason
from projects.models import HealthStatus, Visibility
from risks.models import Level, Risk, RiskSettings

if TYPE_CHECKING:
    from projects.models import Project


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


def risk_health(
    projects: Sequence[Project], *, today: date
) -> Mapping[int, Iterable[HealthFinding]]:
    """One query for all the projects: active risks that are critical or have a review date
    in the past, grouped by project, visibility, level, review date and tolerance."""
    grouped = (
        Risk.objects.filter(project__in=[p.pk for p in projects], status__in=Risk.ACTIVE)
        .filter(Q(level=Level.CRITICAL) | Q(next_review_date__lt=today))
        .values(
            "project_id",
            "visibility",
            "level",
            "next_review_date",
            "project__risk_settings__review_tolerance_days",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in grouped:
        bucket = counts[row["project_id"]]
        client = row["visibility"] == Visibility.CLIENT
        if row["level"] == Level.CRITICAL:
            bucket["critical"] += row["n"]
            bucket["critical_client"] += row["n"] if client else 0
        tolerance = row["project__risk_settings__review_tolerance_days"]
        if tolerance is None:
            tolerance = RiskSettings.DEFAULT_REVIEW_TOLERANCE_DAYS
        review = row["next_review_date"]
        if review is not None and (today - review).days > tolerance:
            bucket["overdue"] += row["n"]
            bucket["overdue_client"] += row["n"] if client else 0
    result: dict[int, list[HealthFinding]] = {}
    for project_id, bucket in counts.items():
        findings = _findings(
            bucket["critical"], bucket["critical_client"], HealthStatus.RED, critical_reason
        )
        findings += _findings(
            bucket["overdue"], bucket["overdue_client"], HealthStatus.AMBER, overdue_reason
        )
        if findings:
            result[project_id] = findings
    return result


def register() -> None:
    register_health_signal(risk_health)
