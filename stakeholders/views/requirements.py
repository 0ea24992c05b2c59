"""Requirements pages: the staff side (list, detail, create, edit, traceability) and the portal
(list, submit, detail with confirm and accept)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_action, run_form
from discussions.services import attachments_add
from projects.mixins import ProjectPageMixin
from projects.models import Visibility
from stakeholders.forms.requirements import (
    PortalRequirementCreateForm,
    RequirementCreateForm,
    RequirementEditForm,
    RequirementStepForm,
)
from stakeholders.models import Requirement
from stakeholders.permissions import can_decide_requirement, can_triage_requirement
from stakeholders.selectors.requirements import (
    requirement_get_for,
    requirement_history_for,
    requirement_list_for,
    requirement_texts_for,
    requirement_trace_choices,
    requirement_traceability_for,
)
from stakeholders.services.requirement_workflow import transitions_available
from stakeholders.services.requirements import (
    requirement_confirm,
    requirement_create,
    requirement_transition,
    requirement_update,
)

if TYPE_CHECKING:
    from accounts.models import User


def requirement_filters(query: Any) -> dict[str, str]:
    """The list's filters from its query (an unknown value is no filter): the page and its
    exports read them alike."""
    status = query.get("status", "")
    priority = query.get("priority", "")
    return {
        "status": status if status in Requirement.Status.values else "",
        "priority": priority if priority in Requirement.Priority.values else "",
    }


class RequirementListBase(ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filters = requirement_filters(self.request.GET)
        status, priority = filters["status"], filters["priority"]
        context.update(
            requirements=requirement_list_for(
                user=self.request.user, project=self.project, **filters
            ),
            statuses=Requirement.Status.choices,
            priorities=Requirement.Priority.choices,
            status=status,
            priority=priority,
            may_submit=self.request.user.has_perm("projects.submit_requirement", self.project),
        )
        return context


class RequirementListView(StaffPageMixin, RequirementListBase):
    template_name = "stakeholders/requirement_list.html"


class PortalRequirementListView(PortalPageMixin, RequirementListBase):
    template_name = "portal/requirement_list.html"


class RequirementExportBase(ExportFormatMixin, ProjectPageMixin, View):
    """The requirements of the list, with its filters, as CSV or Excel: the staff file says
    which are internal; the client's holds only client-visible ones."""

    request: AuthenticatedHttpRequest
    with_visibility = True

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        requirements = requirement_list_for(
            user=request.user, project=self.project, **requirement_filters(request.GET)
        )
        headers = [
            _("Reference"),
            _("Title"),
            _("Priority"),
            _("Status"),
            _("Version"),
            _("Created"),
            _("Updated"),
        ]
        if self.with_visibility:
            headers.append(_("Visibility"))
        rows = (
            [
                requirement.reference,
                requirement.title,
                requirement.get_priority_display(),
                requirement.get_status_display(),
                requirement.version,
                requirement.created_at,
                requirement.updated_at,
            ]
            + ([requirement.get_visibility_display()] if self.with_visibility else [])
            for requirement in requirements
        )
        return self.export(
            Table(title=_("Requirements"), headers=headers, rows=rows),
            name=f"{self.project.code}-requirements",
            day=local_day(self.project.client.time_zone),
        )


class RequirementExportView(StaffPageMixin, RequirementExportBase):
    pass


class PortalRequirementExportView(PortalPageMixin, RequirementExportBase):
    with_visibility = False


class RequirementTraceabilityView(StaffPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/requirement_traceability.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["requirements"] = requirement_traceability_for(
            user=self.request.user, project=self.project
        )
        return context


def _create_with_files(
    request: AuthenticatedHttpRequest, project: Any, data: dict[str, Any]
) -> Requirement:
    """The requirement and its files, or neither: a refused file undoes the creation."""
    values = dict(data)
    files = values.pop("files", [])
    with transaction.atomic():
        requirement = requirement_create(actor=request.user, project=project, **values)
        if files:
            attachments_add(actor=request.user, target=requirement, files=files)
    return requirement


class RequirementCreateView(StaffPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/requirement_form.html"
    project_permission = "projects.submit_requirement"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RequirementCreateForm(project=self.project))
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RequirementCreateForm(request.POST, request.FILES, project=self.project)
        if done := run_form(form, lambda data: _create_with_files(request, self.project, data)):
            requirement = done.value
            messages.success(
                request, _("%(reference)s created.") % {"reference": requirement.reference}
            )
            return redirect(
                "stakeholders:requirement",
                project_id=self.project.pk,
                requirement_id=requirement.pk,
            )
        return self.render_to_response(self.get_context_data(form=form))


class RequirementDetailBase(ProjectPageMixin, TemplateView):
    """The requirement, its versions, confirmations, timeline and the steps the user may take.
    A POST takes a step (to=...); the PM's form posts to RequirementEditView."""

    request: AuthenticatedHttpRequest

    step_url = "stakeholders:requirement"

    def trace_of(self, requirement: Requirement) -> tuple[list[Any], list[Any]] | None:
        """What the page shows of the requirement's trace to the plan (the staff page)."""
        return None

    def get_requirement(self) -> Requirement:
        # Its versions and confirmations come in one query (requirement_texts_for).
        return requirement_get_for(
            user=self.request.user,
            project=self.project,
            requirement_id=self.kwargs["requirement_id"],
            with_texts=False,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        requirement = kwargs.get("requirement") or self.get_requirement()
        user = self.request.user
        may_edit = can_triage_requirement(user, requirement)
        form = kwargs.get("form")
        trace = self.trace_of(requirement)
        versions, confirmations = requirement_texts_for(user=user, requirement=requirement)
        milestones, deliverables = trace or ([], [])
        linked_milestones = [milestone for milestone in milestones if milestone.linked]
        linked_deliverables = [deliverable for deliverable in deliverables if deliverable.linked]
        if form is None and may_edit:
            form = RequirementEditForm(
                project=self.project,
                trace=trace,
                initial={
                    "revision": requirement.revision,
                    "title": requirement.title,
                    "description": requirement.description,
                    "priority": requirement.priority,
                    "acceptance_notes": requirement.acceptance_notes,
                    "visibility": requirement.visibility,
                    "milestones": [milestone.pk for milestone in linked_milestones],
                    "deliverables": [deliverable.pk for deliverable in linked_deliverables],
                },
            )
        context.update(
            requirement=requirement,
            linked_milestones=linked_milestones,
            linked_deliverables=linked_deliverables,
            versions=versions,
            confirmations=confirmations,
            history=requirement_history_for(user=user, requirement=requirement),
            steps=transitions_available(user=user, requirement=requirement),
            # What waits for the client's confirmation or acceptance, for who does not decide.
            client_step=_client_step(user, requirement),
            may_edit=may_edit,
            form=form,
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """A step of the workflow (its buttons): done or refused, back to the page with a
        message."""
        requirement = self.get_requirement()
        step = RequirementStepForm(request.POST)
        if step.is_valid():
            run_action(
                request,
                lambda: _take_step(request.user, requirement, step.cleaned_data),
                success=_("Done."),
            )
        return redirect(self.step_url, project_id=self.project.pk, requirement_id=requirement.pk)


def _client_step(user: User, requirement: Requirement) -> str:
    """The client's step the requirement waits for ("confirm" or "accept") when `user` may not
    take it; "" otherwise."""
    if requirement.visibility != Visibility.CLIENT or can_decide_requirement(user, requirement):
        return ""
    if requirement.status == Requirement.Status.CLARIFIED:
        return "confirm"
    if requirement.status == Requirement.Status.DELIVERED:
        return "accept"
    return ""


def _take_step(actor: User, requirement: Requirement, data: dict[str, Any]) -> Requirement:
    if data["to"] == "confirm":
        return requirement_confirm(actor=actor, requirement=requirement, version=data["version"])
    return requirement_transition(
        actor=actor, requirement=requirement, to=data["to"], reason=data["reason"]
    )


class RequirementDetailView(StaffPageMixin, RequirementDetailBase):
    template_name = "stakeholders/requirement_detail.html"

    def trace_of(self, requirement: Requirement) -> tuple[list[Any], list[Any]] | None:
        # The project's milestones and deliverables, for the form's choices and the list of
        # what the requirement is traced to (each marked `linked`).
        return requirement_trace_choices(requirement=requirement)


class RequirementEditView(RequirementDetailView):
    """POST only: the PM's form of the page. Saved, back to the page; an invalid form or a
    refusal shows the page again with the form's errors."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        requirement = self.get_requirement()
        form = RequirementEditForm(request.POST, project=self.project)
        if run_form(
            form,
            lambda data: requirement_update(actor=request.user, requirement=requirement, **data),
        ):
            messages.success(request, _("Saved."))
            return redirect(
                "stakeholders:requirement",
                project_id=self.project.pk,
                requirement_id=requirement.pk,
            )
        return self.render_to_response(
            self.get_context_data(requirement=requirement, form=form), status=400
        )


class PortalRequirementDetailView(PortalPageMixin, RequirementDetailBase):
    template_name = "portal/requirement_detail.html"
    step_url = "portal:requirement"


class PortalRequirementCreateView(PortalPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "portal/requirement_form.html"
    project_permission = "projects.submit_requirement"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", PortalRequirementCreateForm())
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PortalRequirementCreateForm(request.POST, request.FILES)
        if done := run_form(form, lambda data: _create_with_files(request, self.project, data)):
            requirement = done.value
            messages.success(
                request,
                _("Thank you: %(reference)s is submitted.") % {"reference": requirement.reference},
            )
            return redirect(
                "portal:requirement", project_id=self.project.pk, requirement_id=requirement.pk
            )
        return self.render_to_response(self.get_context_data(form=form))
