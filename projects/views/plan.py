"""The plan tab: milestones with their deliverables. The PM adds and edits milestones (with a
preview of what a new due date moves before saving) and adds deliverables, each form posting to
a view of its own."""

from __future__ import annotations

from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from accounts.models import User
from common.crispy import crispy_kept
from common.errors import NotFound
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_form
from projects.forms.deliverables import DeliverableForm, MilestoneEditForm, MilestoneForm
from projects.mixins import ProjectPageMixin
from projects.models import Milestone, Project
from projects.permissions import can_edit_plan
from projects.selectors import milestone_list_for
from projects.selectors.tasks import task_team_for
from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from projects.services.rescheduling import (
    milestone_update_with_rescheduling,
    reschedule_preview_milestone,
)
from projects.views.base import as_int

# The prefix the shared blank deliverable form is rendered with (PlanView).
_BLANK_PREFIX = "m__milestone__"


def _team_choices(project: Project) -> list[tuple[int, str]]:
    return [
        (membership.user_id, membership.user.display_name)
        for membership in task_team_for(project=project)
    ]


class PlanExportView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The plan's milestones, each followed by its deliverables, as CSV or Excel for the
    team, with which are internal."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [
            _("Kind"),
            _("Name"),
            _("Milestone"),
            _("Status"),
            _("Due date"),
            _("Owner"),
            _("Visibility"),
        ]
        rows: list[list[object]] = []
        for milestone in milestone_list_for(user=request.user, project=self.project):
            rows.append(
                [
                    _("Milestone"),
                    milestone.name,
                    "",
                    milestone.get_status_display(),
                    milestone.due_date,
                    "",
                    milestone.get_visibility_display(),
                ]
            )
            rows.extend(
                [
                    _("Deliverable"),
                    deliverable.name,
                    milestone.name,
                    deliverable.get_status_display(),
                    deliverable.due_date,
                    deliverable.owner.display_name if deliverable.owner else "",
                    deliverable.get_visibility_display(),
                ]
                for deliverable in milestone.deliverables.all()
            )
        return self.export(
            Table(title=_("Plan"), headers=headers, rows=rows),
            name=f"{self.project.code}-plan",
            day=local_day(self.project.client.time_zone),
        )


class ProjectPlanView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """Milestones with their deliverables; the PM adds milestones and deliverables here."""

    request: AuthenticatedHttpRequest

    template_name = "projects/plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        may_edit = can_edit_plan(self.request.user, self.project) and not self.project.is_closed
        milestones = list(milestone_list_for(user=self.request.user, project=self.project))
        if may_edit:
            team = _team_choices(self.project)
            failed = kwargs.get("deliverable_form")
            failed_edit = kwargs.get("edit_form")
            preview = kwargs.get("preview")
            # Every milestone's blank "Add a deliverable" form is the same but for its prefix:
            # rendered once (and kept: common.crispy), with the prefix put in per milestone.
            blank = crispy_kept(DeliverableForm(team=team, prefix=_BLANK_PREFIX))
            for milestone in milestones:
                milestone.preview = (  # type: ignore[attr-defined]
                    preview
                    if failed_edit is not None and failed_edit.prefix == f"e{milestone.pk}"
                    else None
                )
                # Open with its errors after a failed POST.
                milestone.deliverable_failed = (  # type: ignore[attr-defined]
                    failed is not None and failed.prefix == f"m{milestone.pk}"
                )
                if milestone.deliverable_failed:  # type: ignore[attr-defined]
                    milestone.deliverable_form = as_crispy_form(failed)  # type: ignore[attr-defined]
                else:
                    milestone.deliverable_form = mark_safe(  # type: ignore[attr-defined]  # noqa: S308
                        blank.replace(f"{_BLANK_PREFIX}-", f"m{milestone.pk}-")
                    )
                milestone.edit_form = (  # type: ignore[attr-defined]
                    failed_edit
                    if failed_edit is not None and failed_edit.prefix == f"e{milestone.pk}"
                    else MilestoneEditForm(
                        prefix=f"e{milestone.pk}",
                        initial={
                            "revision": milestone.revision,
                            "name": milestone.name,
                            "due_date": milestone.due_date,
                            "description": milestone.description,
                            "visibility": milestone.visibility,
                        },
                    )
                )
        context.update(
            milestones=milestones,
            may_edit=may_edit,
            milestone_form=kwargs.get("milestone_form") or MilestoneForm(),
        )
        return context


class PlanPostView(ProjectPlanView):
    """POST only, for the PM: one form of the plan. Done, back to the plan with a message; an
    invalid form shows the plan again with its errors (400)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_plan(request.user, self.project):
            raise PermissionDenied
        return self.change(request)

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        raise NotImplementedError

    def done(self, request: AuthenticatedHttpRequest, message: str) -> HttpResponse:
        messages.success(request, message)
        return redirect("projects:plan", project_id=self.project.pk)

    def milestone(self, request: AuthenticatedHttpRequest) -> Milestone:
        """The posted milestone, among those the PM sees."""
        milestone = (
            milestone_list_for(user=request.user, project=self.project)
            .filter(pk=as_int(request.POST.get("milestone")))
            .first()
        )
        if milestone is None:
            raise NotFound()
        return milestone


class MilestoneAddView(PlanPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = MilestoneForm(request.POST)
        if run_form(
            form, lambda data: milestone_create(actor=request.user, project=self.project, **data)
        ):
            return self.done(request, _("Milestone added."))
        return self.render_to_response(self.get_context_data(milestone_form=form), status=400)


class MilestoneEditView(PlanPostView):
    """Save a milestone and what its new due date moves; with "preview" in the POST, show what
    it would move and keep every value entered, saving nothing."""

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        milestone = self.milestone(request)
        form = MilestoneEditForm(request.POST, prefix=f"e{milestone.pk}")
        if "preview" in request.POST:
            preview = run_form(
                form,
                lambda data: reschedule_preview_milestone(
                    actor=request.user, milestone=milestone, due_date=data["due_date"]
                ),
            )
            return self.render_to_response(
                self.get_context_data(edit_form=form, preview=preview.value if preview else None),
                status=200 if preview else 400,
            )
        done = run_form(
            form,
            lambda data: milestone_update_with_rescheduling(
                actor=request.user, milestone=milestone, **data
            ),
        )
        if done:
            moved = [move for move in done.value[1] if not move.is_requested]
            if moved:
                return self.done(
                    request,
                    ngettext(
                        "Milestone saved; %(count)d other item moved with it.",
                        "Milestone saved; %(count)d other items moved with it.",
                        len(moved),
                    )
                    % {"count": len(moved)},
                )
            return self.done(request, _("Milestone saved."))
        return self.render_to_response(self.get_context_data(edit_form=form), status=400)


class DeliverableAddView(PlanPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        milestone = self.milestone(request)
        form = DeliverableForm(
            request.POST, team=_team_choices(self.project), prefix=f"m{milestone.pk}"
        )
        if run_form(
            form,
            lambda data: deliverable_create(
                actor=request.user,
                milestone=milestone,
                name=data["name"],
                description=data["description"],
                criteria=form.criteria_lines(),
                due_date=data["due_date"],
                owner=User.objects.filter(pk=data["owner"]).first() if data["owner"] else None,
                visibility=data["visibility"],
            ),
        ):
            return self.done(request, _("Deliverable added."))
        return self.render_to_response(self.get_context_data(deliverable_form=form), status=400)
