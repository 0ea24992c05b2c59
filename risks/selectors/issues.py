"""Reads of the issue log (the risks that occurred), scoped like the register."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from common.errors import NotFound
from projects.models import Project, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from risks.models import Issue

if TYPE_CHECKING:
    from accounts.models import User


def issue_list_for(*, user: User, project: Project) -> QuerySet[Issue]:
    """The issue log (risks that occurred) as `user` may see it."""
    if not can_view_project(user, project):
        return Issue.objects.none()
    issues = Issue.objects.filter(project=project)
    if not can_view_internal_items(user, project):
        issues = issues.filter(visibility=Visibility.CLIENT)
    return issues.select_related("owner", "risk").order_by("-number")


def issue_get_for(*, user: User, project: Project, issue_id: int) -> Issue:
    issue = issue_list_for(user=user, project=project).filter(pk=issue_id).first()
    if issue is None:
        raise NotFound()
    return issue
