"""The view mixin for a page of one project: it maps the page to the permission layer
(projects.permissions / selectors); no view checks a role by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from projects.models import Project
from projects.selectors import project_get_for

if TYPE_CHECKING:
    from accounts.models import User


class ProjectPageMixin:
    """Loads `self.project` for the `project_id` in the URL: 404 alike for a missing project and
    one the user may not see; 403 when they see it but lack `project_permission`."""

    project_permission = "projects.view_project"
    project: Project
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The side's login mixin (StaffPageMixin, PortalPageMixin) runs first: a signed-in person.
        user = cast("User", request.user)
        self.project = self.load_project(user, kwargs["project_id"])
        if not user.has_perm(self.project_permission, self.project):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def load_project(self, user: User, project_id: int) -> Project:
        """The project of the URL the user may see (NotFound otherwise); a page that reads
        more of the project reads it here, in the same query."""
        return project_get_for(user=user, project_id=project_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["project"] = self.project
        return context
