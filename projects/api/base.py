"""The base of every API collection inside one project, in every app."""

from __future__ import annotations

from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from accounts.http import AuthenticatedRequest
from projects.models import Project
from projects.selectors import project_get_for


class ProjectScopedViewSet(viewsets.GenericViewSet):
    """A collection inside one project: the project is looked up through the permission layer
    first (404 alike for missing and forbidden)."""

    project: Project
    request: AuthenticatedRequest
    # action -> the project permission it needs, checked before the input is even read.
    action_permissions: dict[str, str] = {}
    # Relations of the project its actions read, read with it (project_get_for's `related`).
    project_related: tuple[str, ...] = ()

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        user = self.request.user
        self.project = project_get_for(
            user=user, project_id=int(self.kwargs["project_pk"]), related=self.project_related
        )
        permission = self.action_permissions.get(self.action or "")
        if permission and not user.has_perm(permission, self.project):
            raise PermissionDenied()
