"""The account pages of a client (the account manager and staff admins): projects, contacts,
complaints, satisfaction history, the interaction log and opportunities."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.pages import run_form
from feedback.forms.account import InteractionForm, OpportunityForm
from feedback.selectors.account import (
    account_complaints_shown,
    account_contacts,
    account_get_for,
    account_interactions,
    account_opportunities,
    account_projects_shown,
    opportunity_get_for,
)
from feedback.selectors.satisfaction import client_satisfaction_history
from feedback.selectors.tickets import sla_provider_of, with_clocks
from feedback.services.account import interaction_record, opportunity_create, opportunity_update
from feedback.services.sla import sla_calendar

# What the account page lists of the client's complaints (the latest) and projects (active ones
# first); each list says how many there are and where the rest are.
ACCOUNT_COMPLAINTS_SHOWN = 10
ACCOUNT_PROJECTS_SHOWN = 10


class AccountView(StaffPageMixin, TemplateView):
    """A client's account page: projects, contacts, complaints, satisfaction history, the
    interaction log and opportunities. The AM and staff admins only (404 for anyone else)."""

    request: AuthenticatedHttpRequest

    template_name = "feedback/tickets/account.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and request.user.is_provider_user:
            self.organization = account_get_for(
                user=request.user, organization_id=kwargs["organization_id"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        organization = self.organization
        complaints, complaints_total = account_complaints_shown(
            organization=organization, limit=ACCOUNT_COMPLAINTS_SHOWN
        )
        projects, projects_total = account_projects_shown(
            organization=organization, limit=ACCOUNT_PROJECTS_SHOWN
        )
        context.update(
            client=organization,
            projects=projects,
            projects_total=projects_total,
            contacts=account_contacts(organization=organization),
            complaints=with_clocks(
                complaints, calendar=sla_calendar(provider=sla_provider_of(complaints))
            ),
            complaints_total=complaints_total,
            # The organisation was read through account_get_for, which checked who manages it.
            interactions=account_interactions(organization=organization),
            opportunities=account_opportunities(organization=organization),
            satisfaction=client_satisfaction_history(user=user, organization=organization),
            interaction_form=kwargs.get("interaction_form")
            or InteractionForm(initial={"occurred_on": timezone.localdate()}),
            opportunity_form=kwargs.get("opportunity_form") or OpportunityForm(),
        )
        return context


class AccountFormView(AccountView):
    """POST only: one form of the account page through its service. Done, back to the page with
    a message; an invalid form or a refusal shows the page again with the form's errors."""

    http_method_names = ["post"]
    form_class: type[forms.Form] = forms.Form
    form_name = ""
    success: Any = ""

    def save(self, data: dict[str, Any]) -> object:
        """Call the service with the form's data."""
        raise NotImplementedError

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST)
        if run_form(form, self.save):
            messages.success(request, str(self.success))
            return redirect("feedback:account", organization_id=self.organization.pk)
        return self.render_to_response(self.get_context_data(**{self.form_name: form}), status=400)


class InteractionLogView(AccountFormView):
    form_class = InteractionForm
    form_name = "interaction_form"
    success = gettext_lazy("Interaction logged.")

    def save(self, data: dict[str, Any]) -> object:
        return interaction_record(actor=self.request.user, organization=self.organization, **data)


class OpportunityCreateView(AccountFormView):
    form_class = OpportunityForm
    form_name = "opportunity_form"
    success = gettext_lazy("Opportunity recorded.")

    def save(self, data: dict[str, Any]) -> object:
        return opportunity_create(actor=self.request.user, organization=self.organization, **data)


class OpportunityView(StaffPageMixin, TemplateView):
    """Edit an opportunity (stage, value, next step, expected close) and see its history."""

    request: AuthenticatedHttpRequest

    template_name = "feedback/tickets/opportunity.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and request.user.is_provider_user:
            self.organization = account_get_for(
                user=request.user, organization_id=kwargs["organization_id"]
            )
            self.opportunity = opportunity_get_for(
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

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = OpportunityForm(request.POST)
        if run_form(
            form,
            lambda data: opportunity_update(
                actor=request.user, opportunity=self.opportunity, **data
            ),
        ):
            messages.success(request, _("Opportunity updated."))
            return redirect("feedback:account", organization_id=self.organization.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
