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


def complaints_breaching_sla(
    projects: list[Project], *, today: date
) -> dict[int, list[HealthFinding]]:
    """Open complaints past their SLA: one is amber, two or more red (the team's view only)."""
    from feedback.selectors.complaints import open_breaching_counts
    from projects.health import Audience, HealthFinding, reason
    from projects.models import HealthStatus

    if not projects:
        return {}
    now = timezone.now()
    if today != timezone.localdate():
        now = datetime.combine(today, time(23, 59), tzinfo=timezone.get_current_timezone())
    counts = open_breaching_counts([project.pk for project in projects], now=now)
    findings: dict[int, list[HealthFinding]] = {}
    for project_id, count in counts.items():
        status = HealthStatus.RED if count >= 2 else HealthStatus.AMBER
        why = reason(partial(_past_sla, count))
        findings[project_id] = [HealthFinding(status, why, audience=Audience.STAFF)]
    return findings


def register_health() -> None:
    from projects.health import register_health_signal

    register_health_signal(complaints_breaching_sla)


def register() -> None:
    register_search()
    register_discussion()
    register_health()
