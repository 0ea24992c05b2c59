"""Staff pages of project templates: the list (start a project from one, delete one) and saving a
project as a template (posted from the project's edit page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_action
from projects.forms.projects import TemplateSaveForm
from projects.mixins import ProjectPageMixin
from projects.models import ProjectTemplate
from projects.permissions import can_delete_template, can_use_templates
from projects.services.templates import (
    template_delete,
    template_get_for,
    template_list_for,
    template_save,
)


def _plan_counts(template: ProjectTemplate) -> dict[str, int]:
    """What the template holds, read from its plan (no query)."""
    parts = template.plan.get("parts", {}) if isinstance(template.plan, dict) else {}
    milestones = parts.get("milestones") or []
    tasks = (parts.get("tasks") or {}).get("tasks") or []
    return {
        "milestones": len(milestones),
        "deliverables": sum(len(m.get("deliverables") or []) for m in milestones),
        "tasks": len(tasks),
    }


class TemplateListView(StaffPageMixin, TemplateView):
    """Every project template: what it holds, who saved it from which project; start a project
    from it, or delete it (its author or a staff admin)."""

    request: AuthenticatedHttpRequest

    template_name = "projects/template_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not can_use_templates(self.request.user):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            {
                "template": template,
                "counts": _plan_counts(template),
                "may_delete": can_delete_template(self.request.user, template),
            }
            for template in template_list_for(user=self.request.user)
        ]
        return context


class TemplateListExportView(StaffPageMixin, ExportFormatMixin, View):
    """Every project template as CSV or Excel, as the list shows it: what it holds, and who
    saved it from which project."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_use_templates(request.user):
            raise PermissionDenied
        headers = [
            _("Template"),
            _("Description"),
            _("Milestones"),
            _("Deliverables"),
            _("Tasks"),
            _("Saved from"),
            _("Saved by"),
            _("Saved on"),
        ]
        rows = []
        for template in template_list_for(user=request.user):
            counts = _plan_counts(template)
            rows.append(
                [
                    template.name,
                    template.description,
                    counts["milestones"],
                    counts["deliverables"],
                    counts["tasks"],
                    template.source_project_code,
                    str(template.created_by) if template.created_by else "",
                    template.created_at,
                ]
            )
        return self.export(
            Table(title=_("Project templates"), headers=headers, rows=rows),
            name="project-templates",
            day=local_day(),
        )


class TemplateDeleteView(StaffPageMixin, View):
    """POST only: the template's author or a staff admin deletes it."""

    http_method_names = ["post"]

    def post(
        self, request: AuthenticatedHttpRequest, template_id: int, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        template = template_get_for(user=request.user, template_id=template_id)
        template_delete(actor=request.user, template=template)
        messages.success(request, _("Template deleted."))
        return redirect("projects:templates")


class TemplateSaveView(StaffPageMixin, ProjectPageMixin, View):
    """POST only: the PM (or a staff admin) saves the project's plan as a template. Only reads
    the project, so a closed project may be saved too (a finished project is a good model)."""

    request: AuthenticatedHttpRequest

    writable_when_closed = True
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TemplateSaveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the template a name."))
            return redirect("projects:edit", project_id=self.project.pk)
        done = run_action(
            request,
            lambda: template_save(
                actor=request.user,
                project=self.project,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            ),
            success=_("Saved as a template."),
        )
        if done:
            return redirect("projects:templates")
        return redirect("projects:edit", project_id=self.project.pk)
