from __future__ import annotations

from typing import Any

from django import template

from portal.permissions import can_view_portal_as_client
from projects.permissions import can_edit_plan, role_of

register = template.Library()


@register.simple_tag(takes_context=True)
def project_role(context: dict[str, Any], project: Any) -> str:
    """The signed-in person's role in `project` ("" if none); cached on the user object."""
    request = context.get("request")
    if request is None or project is None:
        return ""
    return role_of(request.user, project) or ""


@register.filter
def may_view_as_client(user: Any, project: Any) -> bool:
    return bool(project is not None and can_view_portal_as_client(user, project))


@register.filter
def may_set_response_time(user: Any, project: Any) -> bool:
    return bool(project is not None and can_edit_plan(user, project))
