"""The steps of a ticket, each posted from the ticket's page to its own URL: the handlers'
(acknowledge, start, resolve, owner and severity) on the staff page, and those both sides may
take (confirm, reopen, attach) on the staff and portal pages. Done: back to the ticket with a
message; an invalid form or a refusal shows the ticket again with the form's errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.http import AuthenticatedHttpRequest
from common.pages import run_action, run_form
from feedback.forms.tickets import (
    AcknowledgeForm,
    AttachForm,
    ReopenForm,
    ResolveForm,
    TicketUpdateForm,
)
from feedback.models import FeedbackTicket
from feedback.services.tickets import (
    ticket_acknowledge,
    ticket_attach,
    ticket_confirm,
    ticket_reopen,
    ticket_resolve,
    ticket_start,
    ticket_update,
)
from feedback.views.portal_tickets import PortalTicketView
from feedback.views.tickets import TicketDetailMixin, TicketView


class TicketStepMixin(TicketDetailMixin):
    """POST only: one step of the ticket through its service. Without a form class the step is
    a button (a refusal is shown as a message)."""

    http_method_names: Sequence[str] = ["post"]
    form_class: type[forms.Form] | None = None
    form_name = ""
    success: Any = ""

    def make_form(self) -> forms.Form:
        form_class = self.form_class or forms.Form
        return form_class(self.request.POST)

    def step(self, ticket: FeedbackTicket, data: dict[str, Any]) -> object:
        """Call the step's service."""
        raise NotImplementedError

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ticket = self.get_ticket()
        if self.form_class is None:
            if run_action(request, lambda: self.step(ticket, {})):
                return self._done(ticket, str(self.success))
            return self._failed(ticket)
        form = self.make_form()
        if run_form(form, lambda data: self.step(ticket, data)):
            return self._done(ticket, str(self.success))
        return self._failed(ticket, **{self.form_name: form})


# --- Steps both sides may take -------------------------------------------------------------------


class ConfirmStep(TicketStepMixin):
    success = _("Thank you: the resolution is confirmed.")

    def step(self, ticket: FeedbackTicket, data: dict[str, Any]) -> object:
        return ticket_confirm(actor=self.request.user, ticket=ticket)


class ReopenStep(TicketStepMixin):
    form_class = ReopenForm
    form_name = "reopen_form"
    success = _("The ticket is reopened.")

    def step(self, ticket: FeedbackTicket, data: dict[str, Any]) -> object:
        return ticket_reopen(actor=self.request.user, ticket=ticket, reason=data["reason"])


class AttachStep(TicketStepMixin):
    form_class = AttachForm
    form_name = "attach_form"
    success = _("The file is attached.")

    def make_form(self) -> forms.Form:
        return AttachForm(self.request.POST, self.request.FILES)

    def step(self, ticket: FeedbackTicket, data: dict[str, Any]) -> object:
        return ticket_attach(actor=self.request.user, ticket=ticket, file=data["file"])


# --- Staff ---------------------------------------------------------------------------------------


class TicketAcknowledgeView(TicketStepMixin, TicketView):
    form_class = AcknowledgeForm
    form_name = "acknowledge_form"
    success = _("Acknowledged; your reply is posted.")

    def step(self, ticket: FeedbackTicket, data: dict[str, Any]) -> object:
        return ticket_acknowledge(actor=self.request.user, ticket=ticket, message=data["message"])


class TicketStartView(TicketStepMixin, TicketView):
    success = _("The ticket is in progress.")

    def step(self, ticket: FeedbackTicket, data: dict[str, Any]) -> object:
        return ticket_start(actor=self.request.user, ticket=ticket)


class TicketResolveView(TicketStepMixin, TicketView):
    form_class = ResolveForm
    form_name = "resolve_form"
    success = _("Resolved; the client is asked to confirm.")

    def step(self, ticket: FeedbackTicket, data: dict[str, Any]) -> object:
        return ticket_resolve(actor=self.request.user, ticket=ticket, resolution=data["resolution"])


class TicketUpdateView(TicketStepMixin, TicketView):
    form_class = TicketUpdateForm
    form_name = "update_form"
    success = _("The ticket is updated.")

    def make_form(self) -> forms.Form:
        return TicketUpdateForm(self.request.POST, owners=self.owners())

    def step(self, ticket: FeedbackTicket, data: dict[str, Any]) -> object:
        return ticket_update(
            actor=self.request.user,
            ticket=ticket,
            owner_id=data["owner"],
            severity=data["severity"],
            revision=data["revision"],
        )


class TicketConfirmView(ConfirmStep, TicketView):
    pass


class TicketReopenView(ReopenStep, TicketView):
    pass


class TicketAttachView(AttachStep, TicketView):
    pass


# --- Portal --------------------------------------------------------------------------------------


class PortalTicketConfirmView(ConfirmStep, PortalTicketView):
    pass


class PortalTicketReopenView(ReopenStep, PortalTicketView):
    pass


class PortalTicketAttachView(AttachStep, PortalTicketView):
    pass
