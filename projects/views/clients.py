"""The start page each person lands on, and an account manager's clients with their
projects."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from projects.models import Role
from projects.selectors import (
    client_get_for_account_manager,
    client_list_for_account_manager,
    project_list_for,
)


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Routes each person to their own start page: the portal for client people, the
    satisfaction dashboard for an account manager, my projects for everyone else on the
    provider side."""
    user = request.user
    if not user.is_authenticated:
        return redirect("account_login")
    if user.is_client_user:
        return redirect("portal:home")
    roles = set(user.project_roles.values())
    if Role.AM in roles and Role.PM not in roles:
        return redirect("feedback:dashboard")
    return redirect("projects:list")


class ClientListView(StaffPageMixin, TemplateView):
    """An account manager's clients, with their projects."""

    request: AuthenticatedHttpRequest

    template_name = "projects/client_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["clients"] = client_list_for_account_manager(user=self.request.user)
        return context


class ClientDetailView(StaffPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "projects/client_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        client = client_get_for_account_manager(
            user=self.request.user, organization_id=kwargs["organization_id"]
        )
        context["client"] = client
        context["projects"] = project_list_for(user=self.request.user).filter(client=client)
        return context
