"""The earned-value health signal: SPI and CPI below their thresholds make a project amber or
red."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from projects.earned_value.figures import earned_value_many
from projects.health import Audience, HealthFinding, reason
from projects.models import (
    BudgetVisibility,
    HealthStatus,
    Project,
)

INDEX_AMBER = Decimal("0.9")


INDEX_RED = Decimal("0.8")


def _index_finding(name: str, value: Decimal | None, audience: str) -> HealthFinding | None:
    if value is None or value >= INDEX_AMBER:
        return None
    status = HealthStatus.RED if value < INDEX_RED else HealthStatus.AMBER
    if name == "spi":
        why = reason(
            lambda: (
                _("Schedule performance index %(value)s: less work done than planned.")
                % {"value": value}
            )
        )
    else:
        why = reason(
            lambda: (
                _("Cost performance index %(value)s: the work done cost more than it earned.")
                % {"value": value}
            )
        )
    return HealthFinding(status, why, audience)


def earned_value_health(projects: Sequence[Project], *, today: date) -> dict[int, list]:
    """Health signal: SPI or CPI under 0.9 is amber, under 0.8 red. The finding is internal
    unless the client sees the budget (budget_visibility totals or detail). Annotated projects
    (the portfolio, the overview) cost no query, the others one for all; projects without a
    budget have no index and cost nothing."""
    findings: dict[int, list] = {}
    budgeted = [project for project in projects if project.budget is not None]
    by_project = {project.pk: project for project in budgeted}
    for project_id, figures in earned_value_many(budgeted, status_date=today).items():
        shared = by_project[project_id].budget_visibility != BudgetVisibility.NOTHING
        audience = Audience.EVERYONE if shared else Audience.STAFF
        found = [
            finding
            for finding in (
                _index_finding("spi", figures.spi, audience),
                _index_finding("cpi", figures.cpi, audience),
            )
            if finding is not None
        ]
        if found:
            findings[project_id] = found
    return findings
