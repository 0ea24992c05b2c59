"""Cross-project reads for search: every item `user` may see, in every project they may open.

The same rules as the per-project selectors (milestone_list_for, deliverable_list_for,
task_list_for, document_list_for), through the same Q builders, applied to all the user's
projects at once: internal items only where the user sees internal items (the provider side,
staff admins), client-visible ones elsewhere; archived projects only when asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from projects.models import Deliverable, Document, Milestone, Project, Task
from projects.selectors.core import (
    deliverable_visible_to_client,
    internal_project_ids_for,
    milestone_visible_to_client,
    project_scope_for,
)
from projects.selectors.documents import document_visible_to_client
from projects.selectors.tasks import task_visible_to_client

if TYPE_CHECKING:
    from accounts.models import User


def project_items_scope_for(
    queryset: QuerySet[Any], *, user: User, include_archived: bool, client_rule: Q
) -> QuerySet[Any]:
    """The rows of `queryset` (with a `project` key) that `user` may find: those of the projects
    they see (archived ones too with `include_archived`), and of the projects where they see only
    client-visible items, the rows `client_rule` admits. Every app's search scope uses it."""
    projects = project_scope_for(user=user, include_archived=include_archived).values("pk")
    queryset = queryset.filter(project_id__in=projects)
    internal = internal_project_ids_for(user=user)
    if internal is None:
        return queryset
    return queryset.filter(Q(project_id__in=internal) | client_rule)


def project_search_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Project]:
    return project_scope_for(user=user, include_archived=include_archived)


def milestone_search_scope_for(
    *, user: User, include_archived: bool = False
) -> QuerySet[Milestone]:
    return project_items_scope_for(
        Milestone.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=milestone_visible_to_client(),
    )


def deliverable_search_scope_for(
    *, user: User, include_archived: bool = False
) -> QuerySet[Deliverable]:
    return project_items_scope_for(
        Deliverable.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=deliverable_visible_to_client(),
    )


def task_search_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Task]:
    return project_items_scope_for(
        Task.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=task_visible_to_client(),
    )


def document_search_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Document]:
    return project_items_scope_for(
        Document.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=document_visible_to_client(),
    )
