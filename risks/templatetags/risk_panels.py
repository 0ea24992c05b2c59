"""The "Top risks" panel of the staff project overview (one query, scoped to the reader)."""

from __future__ import annotations

from typing import Any

from django import template

from risks.selectors.register import top_risks_for

register = template.Library()


@register.inclusion_tag("risks/_top_risks.html", takes_context=True)
def top_risks(context: dict[str, Any], project: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        "project": project,
        "top_risks": top_risks_for(user=request.user, project=project),
        "request": request,
    }


@register.filter
def level_label(value: str) -> str:
    """The translated name of a risk level ("critical" → "Critical")."""
    from risks.models import Level

    return str(Level(value).label) if value in Level.values else ""
