"""Closeout pages: the PM's checklist with waivers and the request for final acceptance, the
staff admin's reopening (staff side), and the client admin's final acceptance (portal)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from closeout.forms import ClosureRequestForm, FinalAcceptanceForm, ReopenForm, WaiverForm
from closeout.models import ClosureRequest
from closeout.permissions import (
    can_give_final_acceptance,
    can_reopen_project,
    can_request_closure,
    can_waive_closeout_point,
)
from closeout.portfolio import portfolio_report_for, report_header, report_rows
from closeout.selectors import (
    checklist_get_for,
    checklist_outcome_for,
    closure_request_awaiting_for,
    closure_request_get_for,
    closure_requests_for,
    reopenings_for,
    waiver_get_for,
)
from closeout.services import (
    closure_decide,
    closure_request,
    closure_withdraw,
    project_reopen,
    waiver_add,
    waiver_remove,
)
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_action, run_form
from projects.closure import writable_when_closed
from projects.mixins import ProjectPageMixin
from projects.models import HealthStatus, Phase
from projects.selectors import portfolio_client_choices
from projects.selectors.portfolio import PortfolioFilters


class CloseoutView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The closeout checklist, computed from the facts, with each open item linked."""

    request: AuthenticatedHttpRequest

    project_permission = "closeout.view_closeout"
    template_name = "closeout/closeout.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # Every request, newest first: the awaiting one (the newest awaiting) is among them.
        requests = list(closure_requests_for(user=user, project=self.project))
        context.update(
            checklist=checklist_get_for(user=user, project=self.project),
            requests=requests[:20],
            awaiting=next(
                (each for each in requests if each.status == ClosureRequest.Status.AWAITING),
                None,
            ),
            reopenings=reopenings_for(user=user, project=self.project)[:20],
            may_waive=can_waive_closeout_point(user, self.project)
            and self.project.phase != Phase.CLOSED,
            may_request=can_request_closure(user, self.project)
            and self.project.phase == Phase.CLOSING,
            may_reopen=can_reopen_project(user, self.project)
            and self.project.phase == Phase.CLOSED,
            request_form=kwargs.get("request_form") or ClosureRequestForm(),
            waiver_form=kwargs.get("waiver_form") or WaiverForm(),
            reopen_form=kwargs.get("reopen_form") or ReopenForm(),
        )
        return context


class _CloseoutAction(StaffPageMixin, ProjectPageMixin, View):
    request: AuthenticatedHttpRequest
    http_method_names = ["post"]

    def back(self) -> HttpResponse:
        return redirect("closeout:project", project_id=self.project.pk)

    def form_errors_as_messages(self, form: Form) -> None:
        """The forms sit in the checklist page: their errors come back as messages."""
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, str(error))


class WaiverAddView(_CloseoutAction):
    project_permission = "closeout.waive_closeout_point"

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = WaiverForm(request.POST)
        if run_form(
            form,
            lambda data: waiver_add(
                actor=request.user,
                project=self.project,
                point=data["point"],
                object_id=data["object_id"] or 0,
                reason=data["reason"],
                client_note=data["client_note"],
            ),
        ):
            messages.success(request, _("Waived."))
        else:
            self.form_errors_as_messages(form)
        return self.back()


class WaiverRemoveView(_CloseoutAction):
    project_permission = "closeout.waive_closeout_point"

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        waiver = waiver_get_for(
            user=request.user, project=self.project, waiver_id=kwargs["waiver_id"]
        )
        run_action(
            request,
            lambda: waiver_remove(actor=request.user, waiver=waiver),
            success=_("Waiver removed."),
        )
        return self.back()


class ClosureRequestView(_CloseoutAction):
    project_permission = "closeout.request_closure"

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ClosureRequestForm(request.POST)
        if form.is_valid():
            run_action(
                request,
                lambda: closure_request(
                    actor=request.user, project=self.project, note=form.cleaned_data["note"]
                ),
                success=_("Final acceptance requested from the client."),
            )
        else:
            messages.error(request, _("The note is too long."))
        return self.back()


class ClosureWithdrawView(_CloseoutAction):
    project_permission = "closeout.request_closure"

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        closure = closure_request_get_for(
            user=request.user, project=self.project, request_id=kwargs["request_id"]
        )
        run_action(
            request,
            lambda: closure_withdraw(actor=request.user, request=closure),
            success=_("Request withdrawn."),
        )
        return self.back()


@writable_when_closed
class ReopenView(_CloseoutAction):
    project_permission = "closeout.reopen_project"

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ReopenForm(request.POST)
        if run_form(
            form,
            lambda data: project_reopen(
                actor=request.user,
                project=self.project,
                reason=data["reason"],
                to_phase=data["to_phase"],
            ),
        ):
            messages.success(request, _("Project reopened."))
        else:
            self.form_errors_as_messages(form)
        return self.back()


# The requests for final acceptance the client's closeout page lists, the latest first.
REQUESTS_SHOWN = 20


class PortalCloseoutView(PortalPageMixin, ProjectPageMixin, TemplateView):
    """The closeout as the client sees it (each point's outcome, the requests); the client
    admin gives or refuses final acceptance here."""

    request: AuthenticatedHttpRequest

    template_name = "closeout/portal_closeout.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        requests = list(closure_requests_for(user=user, project=self.project)[:REQUESTS_SHOWN])
        # A project has at most one request awaiting a decision: among the latest ones read for
        # the list, or (with a longer history) read apart.
        awaiting = next(
            (item for item in requests if item.status == ClosureRequest.Status.AWAITING), None
        )
        if awaiting is None and len(requests) == REQUESTS_SHOWN:
            awaiting = closure_request_awaiting_for(user=user, project=self.project)
        context.update(
            points=checklist_outcome_for(user=user, project=self.project),
            requests=requests,
            awaiting=awaiting,
            may_decide=awaiting is not None and can_give_final_acceptance(user, self.project),
            form=kwargs.get("form") or FinalAcceptanceForm(),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        awaiting = closure_request_awaiting_for(user=request.user, project=self.project)
        form = FinalAcceptanceForm(request.POST)
        if awaiting is None:
            messages.error(request, _("No request for final acceptance is waiting."))
            return redirect("portal:closeout", project_id=self.project.pk)
        if run_form(
            form,
            lambda data: closure_decide(
                actor=request.user,
                request=awaiting,
                accept=data["decision"] == "accept",
                comment=data["comment"],
            ),
        ):
            messages.success(request, _("Thank you: your decision is recorded."))
            return redirect("portal:closeout", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PortfolioReportView(StaffPageMixin, TemplateView):
    """Every project by health, phase, client, PM and AM, with its closeout state (staff
    admins only); the same rows download as CSV and Excel."""

    request: AuthenticatedHttpRequest

    template_name = "closeout/portfolio_report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filters = PortfolioFilters.from_query(self.request.GET.dict())
        rows = portfolio_report_for(user=self.request.user, filters=filters)
        page = Paginator(rows, 100).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page=page,
            projects=page.object_list,
            filters=filters,
            phases=Phase.choices,
            healths=HealthStatus.choices,
            clients=portfolio_client_choices(user=self.request.user),
            page_query=query.urlencode(),
            filter_query=urlencode(
                {k: v for k, v in self.request.GET.items() if k in ("phase", "health", "client")}
            ),
        )
        return context


class PortfolioReportExportView(StaffPageMixin, ExportFormatMixin, View):
    """The report's rows as CSV or Excel, filtered like the page."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filters = PortfolioFilters.from_query(request.GET.dict())
        rows = portfolio_report_for(user=request.user, filters=filters)
        table = Table(title=_("Portfolio"), headers=report_header(), rows=report_rows(rows))
        return self.export(table, name="portfolio", day=local_day())
