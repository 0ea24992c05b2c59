"""The banner of a closed project's pages, staff and portal alike (projects.closure)."""

from __future__ import annotations

from typing import Any

from django import template

from projects.models import Phase, Project

register = template.Library()


@register.inclusion_tag("projects/_closed_banner.html")
def closed_banner(project: Project) -> dict[str, Any]:
    """Nothing for an open project (no query); for a closed one, the banner with the time it
    closed: the first history record of its last run in the closed phase (two queries)."""
    if project.phase != Phase.CLOSED:
        return {"is_closed": False}
    history = project.history.order_by("-history_date", "-history_id")
    last_open = history.exclude(phase=Phase.CLOSED).values_list("history_date", flat=True).first()
    closing = history.filter(phase=Phase.CLOSED)
    if last_open is not None:
        closing = closing.filter(history_date__gt=last_open)
    closed_at = closing.order_by("history_date").values_list("history_date", flat=True).first()
    return {"is_closed": True, "closed_at": closed_at}
