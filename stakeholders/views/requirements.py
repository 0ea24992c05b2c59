"""Requirements pages: the staff side (list, detail, create, edit, traceability) and the portal
(list, submit, detail with confirm and accept)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.errors import ApplicationError, add_form_error
from discussions.services import attachments_add
from projects.mixins import ProjectPageMixin
from stakeholders.forms.requirements import (
    PortalRequirementCreateForm,
    RequirementCreateForm,
    RequirementForm,
    RequirementStepForm,
)
from stakeholders.models import Requirement
from stakeholders.permissions import can_triage_requirement
from stakeholders.selectors.requirements import (
    requirement_get_for,
    requirement_history_for,
    requirement_list_for,
    requirement_traceability_for,
)
from stakeholders.services.requirements import (
    requirement_confirm,
    requirement_create,
    requirement_transition,
    requirement_update,
    transitions_available,
)


class RequirementListBase(ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        priority = self.request.GET.get("priority", "")
        status = status if status in Requirement.Status.values else ""
        priority = priority if priority in Requirement.Priority.values else ""
        context.update(
            requirements=requirement_list_for(
                user=self.request.user, project=self.project, status=status, priority=priority
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
        if form.is_valid():
            try:
                requirement = _create_with_files(request, self.project, form.cleaned_data)
            except ApplicationError as error:
                add_form_error(form, error)
            else:
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
    POST with action=edit (the PM's form) or a step (to=...)."""

    request: AuthenticatedHttpRequest

    step_url = "stakeholders:requirement"

    def get_requirement(self) -> Requirement:
        return requirement_get_for(
            user=self.request.user,
            project=self.project,
            requirement_id=self.kwargs["requirement_id"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        requirement = kwargs.get("requirement") or self.get_requirement()
        user = self.request.user
        may_edit = can_triage_requirement(user, requirement)
        form = kwargs.get("form")
        if form is None and may_edit:
            form = RequirementForm(
                project=self.project,
                initial={
                    "title": requirement.title,
                    "description": requirement.description,
                    "priority": requirement.priority,
                    "acceptance_notes": requirement.acceptance_notes,
                    "visibility": requirement.visibility,
                    "milestones": list(requirement.milestones.all()),
                    "deliverables": list(requirement.deliverables.all()),
                },
            )
        context.update(
            requirement=requirement,
            versions=requirement.versions.all(),
            confirmations=requirement.confirmations.all(),
            history=requirement_history_for(user=user, requirement=requirement),
            steps=transitions_available(user=user, requirement=requirement),
            may_edit=may_edit,
            form=form,
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        requirement = self.get_requirement()
        if request.POST.get("action") == "edit":
            form = RequirementForm(request.POST, project=self.project)
            if form.is_valid():
                try:
                    requirement_update(
                        actor=request.user, requirement=requirement, **form.cleaned_data
                    )
                except ApplicationError as error:
                    add_form_error(form, error)
                else:
                    messages.success(request, _("Saved."))
                    return redirect(
                        self.step_url, project_id=self.project.pk, requirement_id=requirement.pk
                    )
            return self.render_to_response(
                self.get_context_data(requirement=requirement, form=form)
            )
        step = RequirementStepForm(request.POST)
        if step.is_valid():
            try:
                if step.cleaned_data["to"] == "confirm":
                    requirement_confirm(
                        actor=request.user,
                        requirement=requirement,
                        version=step.cleaned_data["version"],
                    )
                else:
                    requirement_transition(
                        actor=request.user,
                        requirement=requirement,
                        to=step.cleaned_data["to"],
                        reason=step.cleaned_data["reason"],
                    )
            except ApplicationError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("Done."))
        return redirect(self.step_url, project_id=self.project.pk, requirement_id=requirement.pk)


class RequirementDetailView(StaffPageMixin, RequirementDetailBase):
    template_name = "stakeholders/requirement_detail.html"


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
        if form.is_valid():
            try:
                requirement = _create_with_files(request, self.project, form.cleaned_data)
            except ApplicationError as error:
                add_form_error(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you: %(reference)s is submitted.")
                    % {"reference": requirement.reference},
                )
                return redirect(
                    "portal:requirement", project_id=self.project.pk, requirement_id=requirement.pk
                )
        return self.render_to_response(self.get_context_data(form=form))
