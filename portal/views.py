from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from accounts.mixins import PortalPageMixin, ProjectPageMixin
from projects.selectors import membership_list_for, project_list_for
from projects.views import MembersViewMixin


class PortalHomeView(PortalPageMixin, TemplateView):
    """What needs my decision first, then my projects."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["decisions"] = []  # Filled as approvals, confirmations and acceptances land.
        context["projects"] = project_list_for(user=self.request.user)
        return context


class PortalProjectListView(PortalPageMixin, TemplateView):
    template_name = "portal/project_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["projects"] = project_list_for(user=self.request.user)
        return context


class PortalProjectDetailView(PortalPageMixin, ProjectPageMixin, TemplateView):
    template_name = "portal/project_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = membership_list_for(user=self.request.user, project=self.project)
        return context


class PortalProjectMembersView(PortalPageMixin, MembersViewMixin, TemplateView):
    template_name = "portal/project_members.html"
    members_url_name = "portal:project_members"
