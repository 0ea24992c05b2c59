"""Pages of feedback tickets and client accounts.

Staff: the project's Feedback tab (tickets with their SLA clocks, recording one, CSV), a
ticket (its clocks, handling steps, discussion with internal notes, history), the account page
of a client (projects, contacts, complaints, interactions, opportunities). Portal: my tickets,
a project's tickets, raising one (the e-mail "Give feedback" link lands here), a ticket
(confirm the resolution or reopen it; replies only, never internal notes)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.csv import csv_response
from common.errors import NotFound
from common.pages import run_action, run_form
from feedback.models import FeedbackTicket, TicketKind, TicketStatus
from feedback.surveys.selectors import client_satisfaction_history
from feedback.tickets import selectors, services
from feedback.tickets.forms import (
    AcknowledgeForm,
    AttachForm,
    InteractionForm,
    OpportunityForm,
    PortalTicketForm,
    ReopenForm,
    ResolveForm,
    StaffTicketForm,
    TicketUpdateForm,
)
from feedback.tickets.permissions import (
    can_attach_to_ticket,
    can_decide_ticket,
    can_handle_ticket,
    can_manage_account,
    can_raise_ticket,
)
from projects.downloads import document_download_response
from projects.mixins import ProjectPageMixin
from projects.models import STAFF_ROLES, Membership
from projects.selectors import project_get_for, project_list_for

# --- Shared ------------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "") for key in ("status", "kind", "mine")}


class TicketListMixin(ProjectPageMixin):
    request: HttpRequest

    def tickets(self) -> list[FeedbackTicket]:
        tickets = list(
            selectors.ticket_list_for(
                user=self.request.user, project=self.project, filters=_filters(self.request)
            )
        )
        return selectors.with_clocks(tickets, calendar=services.sla_calendar())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            tickets=self.tickets(),
            filters=_filters(self.request),
            statuses=TicketStatus.choices,
            kinds=TicketKind.choices,
        )
        return context


class TicketDetailMixin(ProjectPageMixin):
    request: HttpRequest
    kwargs: dict[str, Any]
    detail_url_name = ""

    def get_ticket(self) -> FeedbackTicket:
        return selectors.ticket_get_for(
            user=self.request.user, project=self.project, ticket_id=self.kwargs["ticket_id"]
        )

    def ticket_context(self, ticket: FeedbackTicket, **forms: Any) -> dict[str, Any]:
        user = self.request.user
        calendar = services.sla_calendar()
        decidable = ticket.status == TicketStatus.RESOLVED and can_decide_ticket(user, ticket)
        return {
            "ticket": ticket,
            "clocks": selectors.ticket_clocks(ticket, calendar=calendar),
            "attachments": selectors.attachment_list_for(user=user, ticket=ticket),
            "attachment_url_name": self.attachment_url_name,
            "may_decide": decidable,
            "may_attach": can_attach_to_ticket(user, ticket)
            and ticket.status != TicketStatus.CONFIRMED,
            "reopen_form": forms.get("reopen_form") or ReopenForm(),
            "attach_form": forms.get("attach_form") or AttachForm(),
        }

    attachment_url_name = ""

    def _done(self, ticket: FeedbackTicket, message: str) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(self.detail_url_name, project_id=self.project.pk, ticket_id=ticket.pk)

    def _failed(self, ticket: FeedbackTicket, **forms: Any) -> HttpResponse:
        context = self.get_context_data(ticket=ticket, **forms)  # type: ignore[attr-defined]
        return self.render_to_response(context, status=400)  # type: ignore[attr-defined]

    def common_post(
        self, request: HttpRequest, ticket: FeedbackTicket, action: str
    ) -> HttpResponse:
        """Steps both sides may take: confirm, reopen, attach."""
        if action == "confirm":
            if run_action(
                request, lambda: services.ticket_confirm(actor=request.user, ticket=ticket)
            ):
                return self._done(ticket, _("Thank you: the resolution is confirmed."))
            return self._failed(ticket)
        if action == "reopen":
            form = ReopenForm(request.POST)
            if run_form(
                form,
                lambda data: services.ticket_reopen(
                    actor=request.user, ticket=ticket, reason=data["reason"]
                ),
            ):
                return self._done(ticket, _("The ticket is reopened."))
            return self._failed(ticket, reopen_form=form)
        if action == "attach":
            form = AttachForm(request.POST, request.FILES)
            if run_form(
                form,
                lambda data: services.ticket_attach(
                    actor=request.user, ticket=ticket, file=data["file"]
                ),
            ):
                return self._done(ticket, _("The file is attached."))
            return self._failed(ticket, attach_form=form)
        raise NotFound()


class AttachmentDownloadMixin(ProjectPageMixin):
    kwargs: dict[str, Any]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ticket = selectors.ticket_get_for(
            user=request.user, project=self.project, ticket_id=kwargs["ticket_id"]
        )
        attachment = selectors.attachment_get_for(
            user=request.user, ticket=ticket, attachment_id=kwargs["attachment_id"]
        )
        return document_download_response(attachment, inline=request.GET.get("inline") == "1")  # type: ignore[arg-type]


# --- Staff -------------------------------------------------------------------------------------


class ProjectFeedbackView(StaffPageMixin, TicketListMixin, TemplateView):
    """The project's Feedback tab: its tickets with SLA clocks; the team records one."""

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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_raise_ticket(request.user, self.project):
            raise PermissionDenied
        form = StaffTicketForm(request.POST, request.FILES)
        if done := run_form(
            form,
            lambda data: services.ticket_raise(actor=request.user, project=self.project, **data),
        ):
            ticket = done.value
            messages.success(request, _("%(ref)s recorded.") % {"ref": ticket.reference})
            return redirect("feedback:ticket", project_id=self.project.pk, ticket_id=ticket.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProjectFeedbackCsvView(StaffPageMixin, ProjectPageMixin, View):
    """The project's tickets as CSV (provider side), cells safe from formula injection."""

    project_permission = "projects.view_internal_items"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tickets = selectors.ticket_list_for(user=request.user, project=self.project)
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
        zone = timezone.get_current_timezone()

        def moment(value: Any) -> str:
            return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""

        rows = (
            (
                ticket.reference,
                ticket.get_kind_display(),
                ticket.get_severity_display(),
                ticket.title,
                ticket.get_status_display(),
                ticket.get_visibility_display(),
                ticket.raised_by.display_name,
                moment(ticket.raised_at),
                ticket.owner.display_name if ticket.owner else "",
                moment(ticket.first_response_due_at),
                moment(ticket.first_responded_at),
                moment(ticket.resolution_due_at),
                moment(ticket.resolved_at),
                moment(ticket.confirmed_at),
            )
            for ticket in tickets
        )
        return csv_response(f"{self.project.code}-feedback.csv", header, rows)


class TicketView(StaffPageMixin, TicketDetailMixin, TemplateView):
    template_name = "feedback/tickets/ticket_detail.html"
    detail_url_name = "feedback:ticket"
    attachment_url_name = "feedback:ticket_attachment"

    def _owners(self) -> list[tuple[int, str]]:
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
        steps = services.HANDLER_STEPS
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
                owners=self._owners(),
                initial={"owner": ticket.owner_id, "severity": ticket.severity},
            ),
            history=selectors.ticket_history_for(user=user, ticket=ticket),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ticket = self.get_ticket()
        action = request.POST.get("action", "")
        if action == "acknowledge":
            return self._step(
                request,
                ticket,
                AcknowledgeForm(request.POST),
                "acknowledge_form",
                lambda data: services.ticket_acknowledge(
                    actor=request.user, ticket=ticket, message=data["message"]
                ),
                _("Acknowledged; your reply is posted."),
            )
        if action == "start":
            return self._step(
                request,
                ticket,
                None,
                "",
                lambda data: services.ticket_start(actor=request.user, ticket=ticket),
                _("The ticket is in progress."),
            )
        if action == "resolve":
            return self._step(
                request,
                ticket,
                ResolveForm(request.POST),
                "resolve_form",
                lambda data: services.ticket_resolve(
                    actor=request.user, ticket=ticket, resolution=data["resolution"]
                ),
                _("Resolved; the client is asked to confirm."),
            )
        if action == "update":
            return self._step(
                request,
                ticket,
                TicketUpdateForm(request.POST, owners=self._owners()),
                "update_form",
                lambda data: services.ticket_update(
                    actor=request.user,
                    ticket=ticket,
                    owner_id=data["owner"],
                    severity=data["severity"],
                ),
                _("The ticket is updated."),
            )
        return self.common_post(request, ticket, action)

    def _step(
        self,
        request: HttpRequest,
        ticket: FeedbackTicket,
        form: Any,
        form_name: str,
        call: Any,
        success: str,
    ) -> HttpResponse:
        if form is None:
            if run_action(request, lambda: call({})):
                return self._done(ticket, success)
            return self._failed(ticket)
        if run_form(form, call):
            return self._done(ticket, success)
        return self._failed(ticket, **{form_name: form})


class TicketAttachmentView(StaffPageMixin, AttachmentDownloadMixin, View):
    pass


# --- Portal ------------------------------------------------------------------------------------


class PortalTicketListView(PortalPageMixin, TemplateView):
    """My feedback tickets, across my projects, with their status."""

    template_name = "feedback/tickets/portal_ticket_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        tickets = list(
            selectors.ticket_list_for(user=self.request.user, filters=_filters(self.request))
        )
        context.update(
            tickets=selectors.with_clocks(tickets, calendar=services.sla_calendar()),
            filters=_filters(self.request),
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

    template_name = "feedback/tickets/portal_project_tickets.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_raise"] = can_raise_ticket(self.request.user, self.project)
        return context


class PortalTicketCreateView(PortalPageMixin, TemplateView):
    """Raise feedback. `?project=<id>` pre-selects the project (the e-mails' "Give feedback"
    link); the login page brings the person back here."""

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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PortalTicketForm(request.POST, request.FILES, projects=self.projects)

        def raise_ticket(data: dict[str, Any]) -> FeedbackTicket:
            values = dict(data)
            project = project_get_for(user=request.user, project_id=values.pop("project"))
            return services.ticket_raise(actor=request.user, project=project, **values)

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
    template_name = "feedback/tickets/portal_ticket_detail.html"
    detail_url_name = "feedback:portal_ticket"
    attachment_url_name = "feedback:portal_ticket_attachment"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ticket = kwargs.get("ticket") or self.get_ticket()
        context.update(
            self.ticket_context(ticket, **{k: v for k, v in kwargs.items() if k != "ticket"})
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.common_post(request, self.get_ticket(), request.POST.get("action", ""))


class PortalTicketAttachmentView(PortalPageMixin, AttachmentDownloadMixin, View):
    pass


# --- The account ---------------------------------------------------------------------------------

ACCOUNT_COMPLAINTS_SHOWN = 100


class AccountView(StaffPageMixin, TemplateView):
    """A client's account page: projects, contacts, complaints, satisfaction history, the
    interaction log and opportunities. The AM and staff admins only (404 for anyone else)."""

    template_name = "feedback/tickets/account.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and request.user.is_provider_user:
            self.organization = selectors.account_get_for(
                user=request.user, organization_id=kwargs["organization_id"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        organization = self.organization
        all_complaints = selectors.account_complaints(organization=organization)
        complaints = list(all_complaints[:ACCOUNT_COMPLAINTS_SHOWN])
        context.update(
            client=organization,
            projects=selectors.account_projects(organization=organization),
            contacts=selectors.account_contacts(organization=organization),
            complaints=selectors.with_clocks(complaints, calendar=services.sla_calendar()),
            complaints_total=all_complaints.count(),
            interactions=selectors.interaction_list_for(user=user, organization=organization),
            opportunities=selectors.opportunity_list_for(user=user, organization=organization),
            satisfaction=client_satisfaction_history(user=user, organization=organization),
            interaction_form=kwargs.get("interaction_form")
            or InteractionForm(initial={"occurred_on": timezone.localdate()}),
            opportunity_form=kwargs.get("opportunity_form") or OpportunityForm(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action")
        if action == "interaction":
            form = InteractionForm(request.POST)
            name, call, done = (
                "interaction_form",
                services.interaction_record,
                _("Interaction logged."),
            )
        elif action == "opportunity":
            form = OpportunityForm(request.POST)
            name, call, done = (
                "opportunity_form",
                services.opportunity_create,
                _("Opportunity recorded."),
            )
        else:
            raise NotFound()
        if run_form(
            form, lambda data: call(actor=request.user, organization=self.organization, **data)
        ):
            messages.success(request, done)
            return redirect("feedback:account", organization_id=self.organization.pk)
        return self.render_to_response(self.get_context_data(**{name: form}), status=400)


class OpportunityView(StaffPageMixin, TemplateView):
    """Edit an opportunity (stage, value, next step, expected close) and see its history."""

    template_name = "feedback/tickets/opportunity.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and request.user.is_provider_user:
            self.organization = selectors.account_get_for(
                user=request.user, organization_id=kwargs["organization_id"]
            )
            self.opportunity = selectors.opportunity_get_for(
                user=request.user,
                organization=self.organization,
                opportunity_id=kwargs["opportunity_id"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        opportunity = self.opportunity
        context.update(
            client=self.organization,
            opportunity=opportunity,
            history=opportunity.history.select_related("history_user").order_by("history_date"),
            form=kwargs.get("form")
            or OpportunityForm(
                initial={
                    "title": opportunity.title,
                    "value_estimate": opportunity.value_estimate,
                    "currency": opportunity.currency,
                    "stage": opportunity.stage,
                    "next_step": opportunity.next_step,
                    "expected_close_on": opportunity.expected_close_on,
                }
            ),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = OpportunityForm(request.POST)
        if run_form(
            form,
            lambda data: services.opportunity_update(
                actor=request.user, opportunity=self.opportunity, **data
            ),
        ):
            messages.success(request, _("Opportunity updated."))
            return redirect("feedback:account", organization_id=self.organization.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
