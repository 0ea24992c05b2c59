"""The timeline (Gantt) of a project and the resource view across projects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpRequest
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from projects.mixins import ProjectPageMixin
from projects.selectors.tasks import (
    resource_load_for,
    timeline_for,
)

if TYPE_CHECKING:
    from accounts.models import User


class TimelineViewMixin(ProjectPageMixin):
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = cast("User", self.request.user)  # signed in: the side's login mixin runs first
        timeline = timeline_for(user=user, project=self.project)
        context.update(
            timeline=timeline,
            gantt_items=timeline.gantt_items(),
            today=timezone.localdate(),
        )
        return context


class TimelineView(StaffPageMixin, TimelineViewMixin, TemplateView):
    """The Gantt chart of milestones and tasks with the critical path, and the same as a table."""

    request: AuthenticatedHttpRequest

    template_name = "projects/timeline.html"


class ResourceView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    """Each person's planned hours per week across their projects, over-allocation flagged."""

    request: AuthenticatedHttpRequest

    permission_required = "projects.view_resources"
    template_name = "projects/resources.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["load"] = resource_load_for(user=self.request.user, today=timezone.localdate())
        context["nav"] = "resources"
        return context
