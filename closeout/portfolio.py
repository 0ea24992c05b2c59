"""The staff admins' portfolio report: every project by health, phase, client, PM and AM, with
its closeout state, on the page and as CSV and Excel with the same permission.

The closeout columns join the portfolio's annotations (`register_portfolio_columns`): the
project's first PM and AM by name and its latest request for final acceptance, as subqueries
of the same query, so the report costs a fixed number of queries however many projects.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from closeout.models import ClosureRequest
from common.errors import NotFound
from projects.models import Membership, Phase, Project, Role
from projects.selectors import project_portfolio_for
from projects.selectors.portfolio import PortfolioFilters

if TYPE_CHECKING:
    from accounts.models import User


def closeout_columns(projects: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    def person(role: str) -> Subquery:
        first = Membership.objects.filter(project=OuterRef("pk"), role=role).order_by("id")
        return Subquery(first.values("user__display_name")[:1])

    latest = ClosureRequest.objects.filter(project=OuterRef("pk")).order_by("-requested_at", "-id")
    return projects.annotate(
        pm_name=person(Role.PM),
        am_name=person(Role.AM),
        closure_status=Subquery(latest.values("status")[:1]),
        closure_decided_at=Subquery(latest.values("decided_at")[:1]),
    )


def closeout_state(project: Any) -> str:
    """What the report says of the project's closeout."""
    status = project.closure_status
    if project.phase == Phase.CLOSED:
        return _("Closed with final acceptance") if status == "accepted" else _("Closed")
    if status == ClosureRequest.Status.AWAITING:
        return _("Awaiting final acceptance")
    if project.phase == Phase.CLOSING:
        if status == ClosureRequest.Status.REFUSED:
            return _("Final acceptance refused")
        return _("Closeout in progress")
    return ""


def portfolio_report_for(*, user: User, filters: PortfolioFilters | None = None) -> list[Project]:
    """Every project (staff admins only: NotFound for anyone else, as for a hidden page)."""
    if not user.has_perm("closeout.view_portfolio_report"):
        raise NotFound()
    rows = project_portfolio_for(user=user, filters=filters)
    for row in rows:
        row.closeout_state = closeout_state(row)  # type: ignore[attr-defined]
    return rows


def report_header() -> list[str]:
    return [
        _("Code"),
        _("Project"),
        _("Client"),
        _("Phase"),
        _("Health"),
        _("Project manager"),
        _("Account manager"),
        _("Progress (%)"),
        _("SPI"),
        _("CPI"),
        _("Overdue items"),
        _("Awaiting the client"),
        _("Next milestone"),
        _("Closeout"),
    ]


def report_rows(rows: Iterable[Any]) -> list[list[object]]:
    return [
        [
            row.code,
            row.name,
            row.client.name,
            row.get_phase_display(),
            str(row.health.label),
            row.pm_name or "",
            row.am_name or "",
            row.progress,
            _ratio(row.earned_value.spi),
            _ratio(row.earned_value.cpi),
            row.overdue_count,
            row.awaiting_client_count,
            row.next_milestone_due,
            row.closeout_state,
        ]
        for row in rows
    ]


def _ratio(value: Any) -> object:
    return round(float(value), 2) if value is not None else None
