"""The portal's own pages beyond the home page: the in-place actions of "what needs my
decision", the client-side audit log, the onboarding page, and "view as this client"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from accounts.models import User
from common.errors import ApplicationError, InvalidInput, NotFound
from common.exports import ExportFormatMixin, Table, local_day
from portal.decisions import perform_action, waiting_count_for
from portal.middleware import VIEW_AS_SESSION_KEY
from portal.models import ViewAsSession
from portal.selectors import client_audit_log_for
from portal.services import (
    MAX_CLIENT_RESPONSE_DAYS,
    client_response_days_for,
    client_response_days_set,
    view_as_start,
    view_as_stop,
)
from projects.mixins import ProjectPageMixin
from projects.models import CLIENT_ROLES, Membership, Role
from projects.permissions import role_of


class DecisionActView(PortalPageMixin, ProjectPageMixin, View):
    """POST: the single-click action of one waiting item (confirm, mark done). With htmx the
    item's row is replaced by nothing and the navigation badge is updated out of band; without
    JavaScript the person returns to the home page with a message."""

    request: AuthenticatedHttpRequest

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            perform_action(
                actor=request.user,
                project=self.project,
                kind=kwargs["kind"],
                item_id=kwargs["item_id"],
            )
        except NotFound:
            raise  # a missing and a foreign item alike: 404, ids cannot be probed
        except ApplicationError as error:
            if request.htmx:
                return TemplateResponse(
                    request,
                    "portal/_action_error.html",
                    {"message": error.message},
                    status=200,
                    headers={"HX-Reswap": "beforeend"},
                )
            messages.error(request, error.message)
            return redirect("portal:home")
        if request.htmx:
            return TemplateResponse(
                request,
                "portal/_waiting_badge.html",
                {"count": waiting_count_for(user=request.user), "oob": True},
            )
        messages.success(request, _("Done: it is off your list."))
        return redirect("portal:home")


class ClientAuditLogView(PortalPageMixin, ProjectPageMixin, TemplateView):
    """Who on the client side approved, confirmed, accepted or rejected what; membership
    changes by client admins."""

    request: AuthenticatedHttpRequest

    template_name = "portal/audit_log.html"
    project_permission = "portal.view_client_audit_log"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["entries"] = client_audit_log_for(user=self.request.user, project=self.project)
        return context


class ClientAuditLogExportView(PortalPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The client admin's audit log as CSV or Excel, with the page's columns, latest first."""

    request: AuthenticatedHttpRequest

    project_permission = "portal.view_client_audit_log"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [_("When"), _("Who"), _("Action"), _("What")]
        rows = (
            [entry.at, entry.who, entry.action, entry.what]
            for entry in client_audit_log_for(user=request.user, project=self.project)
        )
        return self.export(
            Table(title=_("Who approved what"), headers=headers, rows=rows),
            name=f"{self.project.code}-audit-log",
            day=local_day(self.project.client.time_zone),
        )


class OnboardingView(PortalPageMixin, ProjectPageMixin, TemplateView):
    """What the person's role means in this project and what each client role may do."""

    request: AuthenticatedHttpRequest

    template_name = "portal/onboarding.html"
    project_permission = "portal.view_onboarding"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        role = role_of(self.request.user, self.project)
        context.update(
            role=role,
            role_label=Role(role).label if role else "",
            response_days=client_response_days_for([self.project.pk])[self.project.pk],
            permission_rows=client_permission_rows(),
            team=Membership.objects.filter(project=self.project, role__in=[Role.PM, Role.AM])
            .select_related("user")
            .order_by("role", "user__display_name"),
        )
        return context


def client_permission_rows() -> list[tuple[str, tuple[bool, bool, bool]]]:
    """DESIGN.md's permission table for the client roles, in words: (action, (client admin,
    customer representative, client viewer))."""
    return [
        (_("See the project and everything shared with the client"), (True, True, True)),
        (_("Submit a requirement, feedback or a complaint"), (True, True, False)),
        (_("Confirm (sign off) a requirement"), (True, True, False)),
        (_("Accept or reject a deliverable"), (True, True, False)),
        (_("Approve a change request for the client"), (True, False, False)),
        (_("Approve the move to the next phase"), (True, False, False)),
        (_("Raise a risk the team and the client see"), (True, True, False)),
        (_("Invite colleagues, change their role, remove their access"), (True, False, False)),
        (_("Answer surveys and receive the status reports"), (True, True, True)),
        (_("See the team's internal items"), (False, False, False)),
    ]


class ViewAsStartView(StaffPageMixin, ProjectPageMixin, TemplateView):
    # Starting to view as a client records reading, not a change (projects.closure).
    writable_when_closed = True
    """A PM or the AM picks a client member of the project and opens the portal as them."""

    request: AuthenticatedHttpRequest

    template_name = "portal/view_as_start.html"
    project_permission = "portal.view_as_client"

    def client_members(self) -> list[Membership]:
        return list(
            Membership.objects.filter(
                project=self.project, role__in=CLIENT_ROLES, user__is_active=True
            )
            .select_related("user")
            .order_by("user__display_name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["members"] = self.client_members()
        context.setdefault("error", kwargs.get("error", ""))
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raw = request.POST.get("person", "")
        person = User.objects.filter(pk=int(raw), is_active=True).first() if raw.isdigit() else None
        try:
            if person is None:
                raise ApplicationError(_("Choose an active client member of this project."))
            session = view_as_start(actor=request.user, project=self.project, person=person)
        except ApplicationError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        previous = request.session.get(VIEW_AS_SESSION_KEY)
        if previous:
            view_as_stop(session_id=previous)
        request.session[VIEW_AS_SESSION_KEY] = session.pk
        return redirect("portal:project", project_id=self.project.pk)


class ViewAsStopView(LoginRequiredMixin, View):
    """POST: end "view as this client" and return to the staff project page."""

    request: AuthenticatedHttpRequest

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session_id = request.session.pop(VIEW_AS_SESSION_KEY, None)
        if not session_id:
            return redirect("home")
        view_as_stop(session_id=session_id)
        project_id = (
            ViewAsSession.objects.filter(pk=session_id, viewer=request.user)
            .values_list("project_id", flat=True)
            .first()
        )
        messages.info(request, _("You stopped viewing the portal as a client."))
        if project_id is None:
            return redirect("home")
        return redirect("projects:detail", project_id=project_id)


class ClientResponseTimeView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The PM sets how many business days the client has to answer before a reminder."""

    request: AuthenticatedHttpRequest

    template_name = "portal/response_time.html"
    project_permission = "projects.edit_plan"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        current = client_response_days_for([self.project.pk])[self.project.pk]
        context.setdefault("days", kwargs.get("days", current))
        context.setdefault("error", kwargs.get("error", ""))
        context["max_days"] = MAX_CLIENT_RESPONSE_DAYS
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raw = request.POST.get("client_response_days", "").strip()
        try:
            if not raw.isdigit():
                raise InvalidInput(
                    _("Enter a whole number of business days."), field="client_response_days"
                )
            client_response_days_set(actor=request.user, project=self.project, days=int(raw))
        except ApplicationError as error:
            return self.render_to_response(
                self.get_context_data(days=raw, error=error.message), status=400
            )
        messages.success(request, _("The client response time is saved."))
        return redirect("portal:response_time", project_id=self.project.pk)
