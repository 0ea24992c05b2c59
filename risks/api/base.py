"""What the risk API's endpoints share: the register's filter parameters and turning posted ids
into this project's members and items."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter

from accounts.models import User
from common.errors import InvalidInput
from projects.models import Membership, Milestone, Project

FILTER_PARAMETERS = [
    OpenApiParameter("level", str, description="low, medium, high, critical or unassessed"),
    OpenApiParameter("category", str),
    OpenApiParameter("owner", int),
    OpenApiParameter("status", str, description="open, monitoring, occurred, closed or active"),
    OpenApiParameter("overdue_review", bool),
    OpenApiParameter("probability", int),
    OpenApiParameter("impact", int),
]


def resolve_people_and_links(project: Project, values: dict[str, Any]) -> dict[str, Any]:
    """Turn ids into this project's members and items; an unknown id is a 400 on its field."""
    if values.get("owner") is not None:
        member_ids = Membership.objects.filter(project=project).values("user_id")
        owner = User.objects.filter(pk=values["owner"], pk__in=member_ids).first()
        if owner is None:
            raise InvalidInput(_("The owner must be a member of this project."), field="owner")
        values["owner"] = owner
    from stakeholders.models import ChangeRequest, Requirement

    for field, model in (
        ("requirements", Requirement),
        ("milestones", Milestone),
        ("change_requests", ChangeRequest),
    ):
        if field in values:
            ids = set(values[field])
            found = list(model.objects.filter(project=project, pk__in=ids))
            if len(found) != len(ids):
                raise InvalidInput(_("Unknown item of this project."), field=field)
            values[field] = found
    return values
