"""Change request pages: the staff list (change log and cumulative impact) and detail (assess,
approve or reject for the provider), and the portal's list and detail (raise, approve or reject
for the client). Internal change requests and the team's internal note never reach the portal."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.errors import ApplicationError, NotAllowed
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_form
from projects.mixins import ProjectPageMixin
from projects.models import Visibility
from projects.permissions import (
    can_approve_change_for_client,
    can_approve_change_for_provider,
    can_edit_plan,
    can_submit_requirement,
)
from projects.selectors import milestone_list_for
from stakeholders.forms.changes import (
    AssessForm,
    ChangeRequestForm,
    DecisionForm,
    StaffChangeRequestForm,
)
from stakeholders.models import ChangeRequest, Requirement
from stakeholders.selectors.changes import (
    change_request_get_for,
    change_request_list_for,
    change_request_summary_of,
)
from stakeholders.selectors.requirements import requirement_link_choices, requirement_list_for
from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
    change_request_reject,
)

if TYPE_CHECKING:
    from accounts.models import User


def _decide(actor: User, cr: ChangeRequest, data: dict[str, Any]) -> ChangeRequest:
    """Approve, or reject saying why. Someone who sees the request but may not decide on it
    is told so on the form."""
    try:
        if data["decision"] == "approve":
            return change_request_approve(actor=actor, change_request=cr)
        return change_request_reject(actor=actor, change_request=cr, reason=data["reason"])
    except NotAllowed as refusal:
        raise ApplicationError(refusal.message) from refusal


class ChangeRequestListMixin(ProjectPageMixin):
    form_class: type[ChangeRequestForm] = ChangeRequestForm
    detail_url_name = ""
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        change_requests = list(change_request_list_for(user=user, project=self.project))
        context.update(
            change_requests=change_requests,
            summary=change_request_summary_of(change_requests),
            may_create=can_submit_requirement(user, self.project),
            form=kwargs.get("form") or self.form_class(requirements=self.linkable()),
        )
        return context

    def linkable(self) -> QuerySet[Requirement]:
        return requirement_list_for(user=self.request.user, project=self.project)

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST, requirements=self.linkable())
        done = run_form(
            form,
            lambda data: change_request_create(actor=request.user, project=self.project, **data),
        )
        if done:
            cr = done.value
            messages.success(request, _("Change request %(ref)s raised.") % {"ref": cr.reference})
            return redirect(self.detail_url_name, project_id=self.project.pk, cr_id=cr.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)  # type: ignore[attr-defined]


class ChangeRequestExportBase(ExportFormatMixin, ProjectPageMixin, View):
    """The change requests of the list as CSV or Excel: the staff file says which are
    internal; the client's holds only client-visible ones, with the impacts they may see."""

    request: AuthenticatedHttpRequest
    with_visibility = True

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        change_requests = change_request_list_for(user=request.user, project=self.project)
        headers = [
            _("Reference"),
            _("Title"),
            _("Status"),
            _("Raised by"),
            _("Side"),
            _("Requested"),
            _("Impact on cost"),
            _("Schedule"),
        ]
        if self.with_visibility:
            headers.append(_("Visibility"))
        rows = (
            [
                cr.reference,
                cr.title,
                cr.get_status_display(),
                cr.requested_by.display_name if cr.requested_by else "",
                cr.get_requested_side_display(),
                cr.requested_at,
                cr.cost_impact,
                "; ".join(
                    f"{impact.milestone.name} {impact.days:+d}"
                    for impact in cr.schedule_impacts.all()
                ),
            ]
            + ([cr.get_visibility_display()] if self.with_visibility else [])
            for cr in change_requests
        )
        return self.export(
            Table(title=_("Change requests"), headers=headers, rows=rows),
            name=f"{self.project.code}-change-requests",
            day=local_day(self.project.client.time_zone),
        )


class ChangeRequestExportView(StaffPageMixin, ChangeRequestExportBase):
    pass


class PortalChangeRequestExportView(PortalPageMixin, ChangeRequestExportBase):
    with_visibility = False


class ChangeRequestDetailMixin(ProjectPageMixin):
    detail_url_name = ""
    request: AuthenticatedHttpRequest
    kwargs: dict[str, Any]

    def get_change_request(self) -> ChangeRequest:
        return change_request_get_for(
            user=self.request.user, project=self.project, cr_id=self.kwargs["cr_id"]
        )

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The decision form: approve, or reject saying why."""
        cr = self.get_change_request()
        form = DecisionForm(request.POST)
        if run_form(form, lambda data: _decide(request.user, cr, data)):
            messages.success(request, _("Your decision is recorded."))
            return redirect(self.detail_url_name, project_id=self.project.pk, cr_id=cr.pk)
        context = self.get_context_data(change_request=cr, decision_form=form)
        return self.render_to_response(context, status=400)  # type: ignore[attr-defined]


class ChangeRequestListView(StaffPageMixin, ChangeRequestListMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/change_request_list.html"
    form_class = StaffChangeRequestForm
    detail_url_name = "stakeholders:change_request"


class ChangeRequestDetailView(StaffPageMixin, ChangeRequestDetailMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/change_request_detail.html"
    detail_url_name = "stakeholders:change_request"

    def get_change_request(self) -> ChangeRequest:
        # The linked requirements come with the form's choices (requirement_link_choices).
        return change_request_get_for(
            user=self.request.user,
            project=self.project,
            cr_id=self.kwargs["cr_id"],
            with_requirements=False,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cr = kwargs.get("change_request") or self.get_change_request()
        requirements = requirement_link_choices(user=user, project=self.project, change_request=cr)
        linked_requirements = [requirement for requirement in requirements if requirement.linked]  # type: ignore[attr-defined]
        open_ = cr.status in (ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.ASSESSED)
        may_assess = (
            can_edit_plan(user, self.project)
            and open_
            and not (cr.provider_approved_at or cr.client_approved_at)
        )
        # The assessment form, shown to who assesses, has a field per milestone (nothing of
        # their deliverables).
        milestones = (
            list(milestone_list_for(user=user, project=self.project).prefetch_related(None))
            if may_assess and kwargs.get("assess_form") is None
            else []
        )
        current = {i.milestone_id: i.days for i in cr.schedule_impacts.all()}
        initial = {
            "revision": cr.revision,
            "scope_impact": cr.scope_impact,
            "cost_impact": cr.cost_impact,
            "contingency_impact": cr.contingency_impact,
            "rebaseline": cr.rebaseline,
            "internal_note": cr.internal_note,
            "visibility": cr.visibility,
            "requirements": [requirement.pk for requirement in linked_requirements],
            **{f"days_{pk}": days for pk, days in current.items()},
        }
        context.update(
            change_request=cr,
            linked_requirements=linked_requirements,
            history=cr.history.select_related("history_user").order_by("history_date"),
            may_assess=may_assess,
            may_decide=can_approve_change_for_provider(user, self.project) and open_,
            # Waits for the provider's side: who does not decide is told who does.
            awaits_provider=open_ and not cr.provider_approved_at,
            assess_form=kwargs.get("assess_form")
            or AssessForm(
                initial=initial,
                milestones=milestones,
                requirements=requirement_list_for(user=user, project=self.project),
                requirement_rows=requirements,
            ),
            decision_form=kwargs.get("decision_form") or DecisionForm(),
        )
        return context


class ChangeRequestAssessView(ChangeRequestDetailView):
    """POST only: the assessment form of the page. Recorded, back to the page with a message;
    an invalid form or a refusal shows the page again with the form's errors."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cr = self.get_change_request()
        form = AssessForm(
            request.POST,
            milestones=list(milestone_list_for(user=request.user, project=self.project)),
            requirements=requirement_list_for(user=request.user, project=self.project),
        )

        def assess(data: dict[str, Any]) -> ChangeRequest:
            return change_request_assess(
                actor=request.user,
                change_request=cr,
                scope_impact=data["scope_impact"],
                cost_impact=data["cost_impact"],
                contingency_impact=data["contingency_impact"] or Decimal(0),
                rebaseline=data["rebaseline"],
                internal_note=data["internal_note"],
                visibility=data["visibility"],
                schedule=form.schedule(),
                requirements=data["requirements"],
                revision=data["revision"],
            )

        if run_form(form, assess):
            messages.success(request, _("Assessment recorded."))
            return redirect(self.detail_url_name, project_id=self.project.pk, cr_id=cr.pk)
        context = self.get_context_data(change_request=cr, assess_form=form)
        return self.render_to_response(context, status=400)


class PortalChangeRequestListView(PortalPageMixin, ChangeRequestListMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "portal/change_request_list.html"
    detail_url_name = "portal:change_request"


class PortalChangeRequestView(PortalPageMixin, ChangeRequestDetailMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "portal/change_request_detail.html"
    detail_url_name = "portal:change_request"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cr = kwargs.get("change_request") or self.get_change_request()
        open_ = cr.visibility == Visibility.CLIENT and cr.status in (
            ChangeRequest.Status.SUBMITTED,
            ChangeRequest.Status.ASSESSED,
        )
        context.update(
            change_request=cr,
            linked_requirements=cr.requirements.all(),
            may_decide=can_approve_change_for_client(self.request.user, self.project) and open_,
            # Waits for the client's side: who does not decide is told who does.
            awaits_client=open_ and not cr.client_approved_at,
            decision_form=kwargs.get("decision_form") or DecisionForm(),
        )
        return context
