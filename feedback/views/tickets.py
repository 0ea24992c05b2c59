"""Staff pages of feedback tickets: the project's Feedback tab (tickets with their SLA clocks,
recording one, CSV) and a ticket (its clocks, handling steps, discussion with internal notes,
history). The mixins here serve the portal's ticket pages too (feedback.views.portal_tickets)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_form
from feedback.forms.tickets import (
    AcknowledgeForm,
    AttachForm,
    ReopenForm,
    ResolveForm,
    StaffTicketForm,
    TicketUpdateForm,
)
from feedback.models import FeedbackTicket, TicketKind, TicketStatus
from feedback.permissions import (
    can_attach_to_ticket,
    can_decide_ticket,
    can_handle_ticket,
    can_manage_account,
    can_raise_ticket,
)
from feedback.selectors.tickets import (
    attachment_get_for,
    attachment_list_for,
    sla_provider_of,
    ticket_clocks,
    ticket_get_for,
    ticket_history_for,
    ticket_list_for,
    with_clocks,
)
from feedback.services.sla import sla_calendar
from feedback.services.tickets import (
    HANDLER_STEPS,
    ticket_raise,
)
from projects.downloads import document_download_response
from projects.mixins import ProjectPageMixin
from projects.models import STAFF_ROLES, Membership

# --- Shared ------------------------------------------------------------------------------------


def ticket_filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "") for key in ("status", "kind", "mine")}


class TicketListMixin(ProjectPageMixin):
    request: AuthenticatedHttpRequest

    def tickets(self) -> list[FeedbackTicket]:
        tickets = list(
            ticket_list_for(
                user=self.request.user, project=self.project, filters=ticket_filters(self.request)
            )
        )
        return with_clocks(tickets, calendar=sla_calendar())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            tickets=self.tickets(),
            filters=ticket_filters(self.request),
            statuses=TicketStatus.choices,
            kinds=TicketKind.choices,
        )
        return context


class TicketDetailMixin(ProjectPageMixin):
    request: AuthenticatedHttpRequest
    kwargs: dict[str, Any]
    detail_url_name = ""
    attachment_url_name = ""
    # The URL names of the steps both sides may take (confirm, reopen, attach).
    step_urls: dict[str, str] = {}

    def get_ticket(self) -> FeedbackTicket:
        return ticket_get_for(
            user=self.request.user, project=self.project, ticket_id=self.kwargs["ticket_id"]
        )

    def ticket_context(self, ticket: FeedbackTicket, **forms: Any) -> dict[str, Any]:
        user = self.request.user
        calendar = sla_calendar(provider=sla_provider_of([ticket]))
        decidable = ticket.status == TicketStatus.RESOLVED and can_decide_ticket(user, ticket)
        return {
            "ticket": ticket,
            "clocks": ticket_clocks(ticket, calendar=calendar),
            "attachments": attachment_list_for(user=user, ticket=ticket),
            "attachment_url_name": self.attachment_url_name,
            "may_decide": decidable,
            "may_attach": can_attach_to_ticket(user, ticket)
            and ticket.status != TicketStatus.CONFIRMED,
            "reopen_form": forms.get("reopen_form") or ReopenForm(),
            "attach_form": forms.get("attach_form") or AttachForm(),
            "step_urls": self.step_urls,
        }

    def _done(self, ticket: FeedbackTicket, message: str) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(self.detail_url_name, project_id=self.project.pk, ticket_id=ticket.pk)

    def _failed(self, ticket: FeedbackTicket, **forms: Any) -> HttpResponse:
        context = self.get_context_data(ticket=ticket, **forms)
        return self.render_to_response(context, status=400)  # type: ignore[attr-defined]


class AttachmentDownloadMixin(ProjectPageMixin):
    kwargs: dict[str, Any]

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ticket = ticket_get_for(
            user=request.user, project=self.project, ticket_id=kwargs["ticket_id"]
        )
        attachment = attachment_get_for(
            user=request.user, ticket=ticket, attachment_id=kwargs["attachment_id"]
        )
        return document_download_response(attachment, inline=request.GET.get("inline") == "1")  # type: ignore[arg-type]


# --- Staff -------------------------------------------------------------------------------------


class ProjectFeedbackView(StaffPageMixin, TicketListMixin, TemplateView):
    """The project's Feedback tab: its tickets with SLA clocks; the team records one."""

    request: AuthenticatedHttpRequest

    template_name = "feedback/tickets/project_feedback.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            may_raise=can_raise_ticket(self.request.user, self.project),
            may_handle=self.request.user.has_perm("projects.handle_complaints", self.project),
            may_see_account=can_manage_account(self.request.user, self.project.client),
            form=kwargs.get("form") or StaffTicketForm(),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_raise_ticket(request.user, self.project):
            raise PermissionDenied
        form = StaffTicketForm(request.POST, request.FILES)
        if done := run_form(
            form,
            lambda data: ticket_raise(actor=request.user, project=self.project, **data),
        ):
            ticket = done.value
            messages.success(request, _("%(ref)s recorded.") % {"ref": ticket.reference})
            return redirect("feedback:ticket", project_id=self.project.pk, ticket_id=ticket.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProjectFeedbackCsvView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The project's tickets as CSV or Excel (provider side), cells safe from formula
    injection."""

    request: AuthenticatedHttpRequest

    project_permission = "projects.view_internal_items"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tickets = ticket_list_for(user=request.user, project=self.project)
        header = [
            _("Reference"),
            _("Kind"),
            _("Severity"),
            _("Title"),
            _("Status"),
            _("Visibility"),
            _("Raised by"),
            _("Raised"),
            _("Owner"),
            _("First response due"),
            _("First response"),
            _("Resolution due"),
            _("Resolved"),
            _("Confirmed"),
        ]
        rows = (
            (
                ticket.reference,
                ticket.get_kind_display(),
                ticket.get_severity_display(),
                ticket.title,
                ticket.get_status_display(),
                ticket.get_visibility_display(),
                ticket.raised_by.display_name,
                ticket.raised_at,
                ticket.owner.display_name if ticket.owner else "",
                ticket.first_response_due_at,
                ticket.first_responded_at,
                ticket.resolution_due_at,
                ticket.resolved_at,
                ticket.confirmed_at,
            )
            for ticket in tickets
        )
        return self.export(
            Table(title=_("Feedback"), headers=header, rows=rows),
            name=f"{self.project.code}-feedback",
            day=local_day(self.project.client.time_zone),
        )


class TicketView(StaffPageMixin, TicketDetailMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "feedback/tickets/ticket_detail.html"
    detail_url_name = "feedback:ticket"
    attachment_url_name = "feedback:ticket_attachment"
    step_urls = {
        "confirm": "feedback:ticket_confirm",
        "reopen": "feedback:ticket_reopen",
        "attach": "feedback:ticket_attach",
    }

    def owners(self) -> list[tuple[int, str]]:
        memberships = (
            Membership.objects.filter(project=self.project, role__in=STAFF_ROLES)
            .select_related("user")
            .order_by("user__display_name")
        )
        return [(m.user_id, f"{m.user.display_name} · {m.get_role_display()}") for m in memberships]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ticket = kwargs.get("ticket") or self.get_ticket()
        user = self.request.user
        context.update(
            self.ticket_context(ticket, **{k: v for k, v in kwargs.items() if k != "ticket"})
        )
        handles = can_handle_ticket(user, ticket)
        steps = HANDLER_STEPS
        context.update(
            may_see_account=can_manage_account(user, self.project.client),
            may_handle=handles,
            may_acknowledge=handles and ticket.status in steps["acknowledge"][0],
            may_start=handles and ticket.status in steps["start"][0],
            may_resolve=handles and ticket.status in steps["resolve"][0],
            acknowledge_form=kwargs.get("acknowledge_form") or AcknowledgeForm(),
            resolve_form=kwargs.get("resolve_form") or ResolveForm(),
            update_form=kwargs.get("update_form")
            or TicketUpdateForm(
                owners=self.owners(),
                initial={
                    "owner": ticket.owner_id,
                    "severity": ticket.severity,
                    "revision": ticket.revision,
                },
            ),
            history=ticket_history_for(user=user, ticket=ticket),
        )
        return context


class TicketAttachmentView(StaffPageMixin, AttachmentDownloadMixin, View):
    request: AuthenticatedHttpRequest

    pass
