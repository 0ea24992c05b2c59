"""Portal pages of feedback tickets: my tickets, a project's tickets, raising one (the e-mail
"Give feedback" link lands here), a ticket (confirm the resolution or reopen it; replies only,
never internal notes)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_form
from feedback.forms.tickets import (
    PortalTicketForm,
)
from feedback.models import FeedbackTicket, TicketStatus
from feedback.permissions import (
    can_raise_ticket,
)
from feedback.selectors.tickets import ticket_list_for, with_clocks
from feedback.services.sla import sla_calendar
from feedback.services.tickets import ticket_raise
from feedback.views.tickets import (
    AttachmentDownloadMixin,
    TicketDetailMixin,
    TicketListMixin,
    ticket_filters,
)
from projects.selectors import project_get_for, project_list_for

# --- Portal ------------------------------------------------------------------------------------


class PortalTicketListView(PortalPageMixin, TemplateView):
    """My feedback tickets, across my projects, with their status."""

    request: AuthenticatedHttpRequest

    template_name = "feedback/tickets/portal_ticket_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        tickets = list(
            ticket_list_for(user=self.request.user, filters=ticket_filters(self.request))
        )
        context.update(
            tickets=with_clocks(tickets, calendar=sla_calendar()),
            filters=ticket_filters(self.request),
            statuses=TicketStatus.choices,
            may_raise=bool(_raisable_projects(self.request.user)),
        )
        return context


def _raisable_projects(user: Any) -> list[tuple[int, str]]:
    return [
        (project.pk, project.name)
        for project in project_list_for(user=user)
        if can_raise_ticket(user, project)
    ]


class PortalProjectTicketsView(PortalPageMixin, TicketListMixin, TemplateView):
    """A project's tickets in the portal (its Feedback tab)."""

    request: AuthenticatedHttpRequest

    template_name = "feedback/tickets/portal_project_tickets.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_raise"] = can_raise_ticket(self.request.user, self.project)
        return context


def _sla(ticket: Any) -> str:
    """The SLA column of the portal's list, in words: met or missed (complaints only); blank
    for a complaint whose clock is still running and for other kinds."""
    if not ticket.is_complaint:
        return ""
    if ticket.clocks.is_breaching:
        return str(_("SLA missed"))
    return "" if ticket.is_open else str(_("SLA met"))


def _portal_ticket_table(tickets: list[FeedbackTicket], *, with_project: bool) -> Table:
    """Tickets as the portal's lists show them: never the owner nor anything internal (the
    selector gives a client only client-visible tickets)."""
    headers = [_("Reference")] + ([_("Project")] if with_project else [])
    headers += [
        _("Title"),
        _("Kind"),
        _("Severity"),
        _("Status"),
        _("Raised"),
        _("Raised by"),
        _("Resolved"),
        _("SLA"),
    ]
    rows = []
    for ticket in tickets:
        row: list[object] = [ticket.reference]
        if with_project:
            row.append(ticket.project.name)
        row += [
            ticket.title,
            ticket.get_kind_display(),
            ticket.get_severity_display(),
            ticket.get_status_display(),
            ticket.raised_at,
            ticket.raised_by.display_name,
            ticket.resolved_at,
            _sla(ticket),
        ]
        rows.append(row)
    return Table(title=_("Feedback"), headers=headers, rows=rows)


class PortalTicketListExportView(PortalPageMixin, ExportFormatMixin, View):
    """My feedback tickets as CSV or Excel, with the list's filters."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tickets = list(ticket_list_for(user=request.user, filters=ticket_filters(request)))
        return self.export(
            _portal_ticket_table(with_clocks(tickets, calendar=sla_calendar()), with_project=True),
            name="feedback",
            day=local_day(),
        )


class PortalProjectTicketsExportView(PortalPageMixin, ExportFormatMixin, TicketListMixin, View):
    """A project's tickets in the portal as CSV or Excel, with the tab's filters."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.export(
            _portal_ticket_table(self.tickets(), with_project=False),
            name=f"{self.project.code}-feedback",
            day=local_day(self.project.client.time_zone),
        )


class PortalTicketCreateView(PortalPageMixin, TemplateView):
    """Raise feedback. `?project=<id>` pre-selects the project (the e-mails' "Give feedback"
    link); the login page brings the person back here."""

    request: AuthenticatedHttpRequest

    template_name = "feedback/tickets/portal_ticket_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and request.user.is_client_user:
            self.projects = _raisable_projects(request.user)
            if not self.projects:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        initial: dict[str, Any] = {}
        wanted = self.request.GET.get("project", "")
        if wanted.isdigit() and int(wanted) in {pk for pk, _name in self.projects}:
            initial["project"] = int(wanted)
        context["form"] = kwargs.get("form") or PortalTicketForm(
            projects=self.projects, initial=initial
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PortalTicketForm(request.POST, request.FILES, projects=self.projects)

        def raise_ticket(data: dict[str, Any]) -> FeedbackTicket:
            values = dict(data)
            project = project_get_for(user=request.user, project_id=values.pop("project"))
            return ticket_raise(actor=request.user, project=project, **values)

        if done := run_form(form, raise_ticket):
            ticket = done.value
            messages.success(
                request,
                _("Thank you. Your feedback is recorded as %(ref)s.") % {"ref": ticket.reference},
            )
            return redirect(
                "feedback:portal_ticket", project_id=ticket.project_id, ticket_id=ticket.pk
            )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PortalTicketView(PortalPageMixin, TicketDetailMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "feedback/tickets/portal_ticket_detail.html"
    detail_url_name = "feedback:portal_ticket"
    attachment_url_name = "feedback:portal_ticket_attachment"
    step_urls = {
        "confirm": "feedback:portal_ticket_confirm",
        "reopen": "feedback:portal_ticket_reopen",
        "attach": "feedback:portal_ticket_attach",
    }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ticket = kwargs.get("ticket") or self.get_ticket()
        context.update(
            self.ticket_context(ticket, **{k: v for k, v in kwargs.items() if k != "ticket"})
        )
        return context


class PortalTicketAttachmentView(PortalPageMixin, AttachmentDownloadMixin, View):
    request: AuthenticatedHttpRequest

    pass
