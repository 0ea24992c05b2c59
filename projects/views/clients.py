"""The start page each person lands on, and an account manager's clients with their
projects."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.exports import ExportFormatMixin, Table, local_day
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


class ClientListExportView(StaffPageMixin, ExportFormatMixin, View):
    """An account manager's clients as CSV or Excel, as the page lists them: each with its
    number of active projects."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [_("Client"), _("Active projects")]
        rows = (
            [client.name, client.active_project_count]  # type: ignore[attr-defined]
            for client in client_list_for_account_manager(user=request.user)
        )
        return self.export(
            Table(title=_("My clients"), headers=headers, rows=rows),
            name="clients",
            day=local_day(),
        )


class ClientProjectsExportView(StaffPageMixin, ExportFormatMixin, View):
    """A client's projects as CSV or Excel, with the columns of the client's page (its account
    manager and staff admins, as the page)."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        client = client_get_for_account_manager(
            user=request.user, organization_id=kwargs["organization_id"]
        )
        headers = [_("Code"), _("Project"), _("Client"), _("Start"), _("End"), _("Members")]
        rows = (
            [
                project.code,
                project.name,
                project.client.name,
                project.start_date,
                project.end_date,
                project.member_count,  # type: ignore[attr-defined]
            ]
            for project in project_list_for(user=request.user).filter(client=client)
        )
        return self.export(
            Table(title=client.name, headers=headers, rows=rows),
            name=f"client-{client.pk}-projects",
            day=local_day(client.time_zone),
        )
