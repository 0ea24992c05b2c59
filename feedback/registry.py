"""Feedback tickets join the product's registries (called from FeedbackConfig.ready()): search,
discussion threads and project health."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import partial
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from projects.health import HealthFinding
    from projects.models import Project


def _ticket_url(ticket: Any, side: str) -> str:
    name = "feedback:portal_ticket" if side == "portal" else "feedback:ticket"
    return reverse(name, kwargs={"project_id": ticket.project_id, "ticket_id": ticket.pk})


def register_search() -> None:
    from feedback.selectors.tickets import ticket_search_scope_for
    from projects.search import register_searchable

    # The same fields and weights as the GIN index of migration feedback/0002.
    register_searchable(
        "feedback_ticket",
        gettext_lazy("Feedback"),
        ticket_search_scope_for,
        (("title", "A"), ("description", "B")),
        _ticket_url,
    )


def register_discussion() -> None:
    from discussions.registry import register_discussable
    from feedback.models import FeedbackTicket
    from feedback.permissions import can_view_ticket
    from feedback.selectors.tickets import ticket_search_scope_for
    from feedback.services.ticket_notifications import ticket_handlers, ticket_url_for

    def url_for(user: User, ticket: FeedbackTicket) -> str:
        return ticket_url_for(user, ticket)

    register_discussable(
        FeedbackTicket,
        get_project=lambda ticket: ticket.project,
        can_view=can_view_ticket,
        url_for=url_for,
        get_owners=ticket_handlers,
        search_scope=ticket_search_scope_for,
    )


def _past_sla(count: int) -> str:
    return ngettext(
        "%(count)d open complaint is past its SLA",
        "%(count)d open complaints are past their SLA",
        count,
    ) % {"count": count}


# What the signal counts of each project, as an annotation of the projects' query (the
# portfolio's, complaint_health_columns) with the day it was counted on.
BREACHING = "complaints_breaching"
BREACHING_DAY = "complaints_breaching_day"


def _sla_now(today: date) -> datetime:
    """The moment the SLA clocks are read at for a health of `today`: now, or the end of that
    day."""
    if today != timezone.localdate():
        return datetime.combine(today, time(23, 59), tzinfo=timezone.get_current_timezone())
    return timezone.now()


def complaint_health_columns(projects: QuerySet[Project], *, today: date) -> QuerySet[Project]:
    """The portfolio's column of what complaints_breaching_sla counts
    (projects.selectors.portfolio.register_portfolio_columns)."""
    from django.db.models import DateField, Value

    from feedback.selectors.complaints import annotate_breaching_complaints

    return annotate_breaching_complaints(projects, now=_sla_now(today), name=BREACHING).annotate(
        **{BREACHING_DAY: Value(today, DateField())}
    )


def complaints_breaching_sla(
    projects: list[Project], *, today: date
) -> dict[int, list[HealthFinding]]:
    """Open complaints past their SLA: one is amber, two or more red (the team's view only).
    The counts come with projects read with complaint_health_columns on `today` (the portfolio,
    the overview); the others are counted in one query for all."""
    from feedback.selectors.complaints import open_breaching_counts
    from projects.health import Audience, HealthFinding, reason
    from projects.models import HealthStatus

    if not projects:
        return {}
    counts = {
        project.pk: getattr(project, BREACHING)
        for project in projects
        if getattr(project, BREACHING_DAY, None) == today
    }
    missing = [project.pk for project in projects if project.pk not in counts]
    if missing:
        counts.update(open_breaching_counts(missing, now=_sla_now(today)))
    findings: dict[int, list[HealthFinding]] = {}
    for project_id, count in counts.items():
        if not count:
            continue
        status = HealthStatus.RED if count >= 2 else HealthStatus.AMBER
        why = reason(partial(_past_sla, count))
        findings[project_id] = [HealthFinding(status, why, audience=Audience.STAFF)]
    return findings


def register_health() -> None:
    from projects.health import register_health_signal
    from projects.selectors.portfolio import register_portfolio_columns

    register_health_signal(complaints_breaching_sla)
    register_portfolio_columns(complaint_health_columns)


def register() -> None:
    register_search()
    register_discussion()
    register_health()
