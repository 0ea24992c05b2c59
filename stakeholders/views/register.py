"""Pages of the register, the communication plan and the RACI (staff), and the client's
engagement page on the portal (its client-visible part)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.errors import InvalidInput, NotAllowed, NotFound
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_action, run_form
from projects.mixins import ProjectPageMixin
from projects.selectors import deliverable_list_for
from stakeholders.forms.choices import offer
from stakeholders.forms.register import (
    CLEAR,
    CommunicationItemEditForm,
    CommunicationItemForm,
    RaciForm,
    StakeholderEditForm,
    StakeholderForm,
)
from stakeholders.models import CommunicationItem, RaciAssignment, Stakeholder
from stakeholders.permissions import can_edit_register
from stakeholders.selectors.register import (
    communication_plan_for,
    raci_for,
    stakeholder_grid,
    stakeholder_list_for,
)
from stakeholders.services.register import (
    communication_item_create,
    communication_item_delete,
    communication_item_update,
    raci_assign,
    raci_unassign,
    stakeholder_create,
    stakeholder_delete,
    stakeholder_update,
)


def project_members(project: Any) -> Any:
    """The people of both sides on the project, for attendees, senders and RACI cells."""
    return (
        get_user_model()
        .objects.filter(memberships__project=project)
        .distinct()
        .order_by("display_name", "email")
    )


class RegisterView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The register with its influence-interest grid, the communication plan and the RACI;
    the PM's forms on it post to the views below."""

    request: AuthenticatedHttpRequest

    template_name = "stakeholders/register.html"
    project_permission = "stakeholders.view_register"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        stakeholders = list(stakeholder_list_for(user=user, project=self.project))
        rows, people, cells = raci_for(user=user, project=self.project)
        choices = stakeholder_list_for(user=user, project=self.project)
        may_edit = can_edit_register(user, self.project)
        communication_form = kwargs.get("communication_form") or CommunicationItemForm(
            stakeholders=choices, members=project_members(self.project)
        )
        raci_form = kwargs.get("raci_form") or self._raci_form(choices)
        if may_edit:
            # The forms (shown to who edits) offer the rows read once; their querysets still
            # check a post.
            members = list(project_members(self.project))
            offer(communication_form.fields["recipients"], stakeholders)
            offer(communication_form.fields["sender"], members)
            offer(raci_form.fields["stakeholder"], stakeholders)
            offer(raci_form.fields["user"], members)
        context.update(
            stakeholders=stakeholders,
            grid=stakeholder_grid(stakeholders),
            communication_items=communication_plan_for(user=user, project=self.project),
            raci_rows=[(row, [cells.get((row, person), "") for person in people]) for row in rows],
            raci_people=people,
            may_edit=may_edit,
            stakeholder_form=kwargs.get("stakeholder_form") or StakeholderForm(),
            communication_form=communication_form,
            raci_form=raci_form,
        )
        return context

    def _raci_form(self, choices: Any, data: Any = None) -> RaciForm:
        return RaciForm(
            data,
            stakeholders=choices,
            members=project_members(self.project),
            deliverables=deliverable_list_for(user=self.request.user, project=self.project),
        )


class RegisterExportView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The stakeholder register as CSV or Excel for the team (the page's scope), by name, with
    which entries are internal."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [
            _("Name"),
            _("Organisation"),
            _("Role"),
            _("Contact"),
            _("Influence"),
            _("Interest"),
            _("Attitude"),
            _("Engagement strategy"),
            _("Visibility"),
        ]
        stakeholders = stakeholder_list_for(user=request.user, project=self.project)
        rows = (
            [
                stakeholder.name,
                stakeholder.organisation,
                stakeholder.role,
                stakeholder.contact,
                stakeholder.influence,
                stakeholder.interest,
                stakeholder.get_attitude_display(),
                stakeholder.engagement_strategy,
                stakeholder.get_visibility_display(),
            ]
            for stakeholder in stakeholders.order_by("name", "id")
        )
        return self.export(
            Table(title=_("Stakeholder register"), headers=headers, rows=rows),
            name=f"{self.project.code}-stakeholders",
            day=local_day(self.project.client.time_zone),
        )


class RegisterFormView(RegisterView):
    """POST only: one of the register page's forms, for the PM. Saved, back to the register;
    refused, the register again with that form's errors."""

    http_method_names = ["post"]
    form_name: str

    def make_form(self, data: Any) -> Any:
        raise NotImplementedError

    def save(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_register(request.user, self.project):
            raise NotAllowed
        form = self.make_form(request.POST)
        if run_form(form, self.save):
            messages.success(request, _("Saved."))
            return redirect("stakeholders:register", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(**{self.form_name: form}), status=400)


class StakeholderAddView(RegisterFormView):
    """The PM adds an entry to the register."""

    form_name = "stakeholder_form"

    def make_form(self, data: Any) -> StakeholderForm:
        return StakeholderForm(data)

    def save(self, data: dict[str, Any]) -> Any:
        return stakeholder_create(actor=self.request.user, project=self.project, **data)


class CommunicationItemAddView(RegisterFormView):
    """The PM adds a line to the communication plan."""

    form_name = "communication_form"

    def make_form(self, data: Any) -> CommunicationItemForm:
        return CommunicationItemForm(
            data,
            stakeholders=stakeholder_list_for(user=self.request.user, project=self.project),
            members=project_members(self.project),
        )

    def save(self, data: dict[str, Any]) -> Any:
        return communication_item_create(actor=self.request.user, project=self.project, **data)


class RaciSetView(RegisterFormView):
    """The PM sets a letter in a cell of the RACI, or clears the cell."""

    form_name = "raci_form"

    def make_form(self, data: Any) -> RaciForm:
        return self._raci_form(
            stakeholder_list_for(user=self.request.user, project=self.project), data
        )

    def save(self, data: dict[str, Any]) -> None:
        data = dict(data)
        letter = data.pop("letter")
        data["work_area"] = (data["work_area"] or "").strip()
        if letter != CLEAR:
            raci_assign(actor=self.request.user, project=self.project, letter=letter, **data)
            return
        cell = RaciAssignment.objects.filter(project=self.project, **data).first()
        if cell is None:
            raise InvalidInput(_("That cell is already empty."), field="letter")
        raci_unassign(actor=self.request.user, assignment=cell)


class StakeholderEditView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The PM changes or removes an entry of the register."""

    request: AuthenticatedHttpRequest

    template_name = "stakeholders/stakeholder_edit.html"
    project_permission = "stakeholders.edit_register"

    def get_stakeholder(self) -> Stakeholder:
        stakeholder = (
            stakeholder_list_for(user=self.request.user, project=self.project)
            .filter(pk=self.kwargs["stakeholder_id"])
            .first()
        )
        if stakeholder is None:
            raise NotFound()
        return stakeholder

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        stakeholder = self.get_stakeholder()
        fields = StakeholderForm.base_fields
        context.update(
            stakeholder=stakeholder,
            form=kwargs.get("form")
            or StakeholderEditForm(
                initial={
                    **{name: getattr(stakeholder, name) for name in fields},
                    "revision": stakeholder.revision,
                }
            ),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        stakeholder = self.get_stakeholder()
        form = StakeholderEditForm(request.POST)
        if run_form(
            form,
            lambda data: stakeholder_update(actor=request.user, stakeholder=stakeholder, **data),
        ):
            messages.success(request, _("Saved."))
            return redirect("stakeholders:register", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StakeholderDeleteView(StakeholderEditView):
    """POST only: the PM removes the entry. Removed, back to the register; refused (they hold
    an A), back to the entry with the reason as a message."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        stakeholder = self.get_stakeholder()
        if run_action(
            request,
            lambda: stakeholder_delete(actor=request.user, stakeholder=stakeholder),
            success=_("%(name)s is removed.") % {"name": stakeholder.name},
        ):
            return redirect("stakeholders:register", project_id=self.project.pk)
        return redirect(
            "stakeholders:stakeholder", project_id=self.project.pk, stakeholder_id=stakeholder.pk
        )


class CommunicationItemEditView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The PM changes or removes a line of the communication plan."""

    request: AuthenticatedHttpRequest

    template_name = "stakeholders/communication_item_edit.html"
    project_permission = "stakeholders.edit_register"

    def get_item(self) -> CommunicationItem:
        item = (
            communication_plan_for(user=self.request.user, project=self.project)
            .filter(pk=self.kwargs["item_id"])
            .first()
        )
        if item is None:
            raise NotFound()
        return item

    def _form(self, item: CommunicationItem, data: Any = None) -> CommunicationItemEditForm:
        return CommunicationItemEditForm(
            data,
            stakeholders=stakeholder_list_for(user=self.request.user, project=self.project),
            members=project_members(self.project),
            initial={
                "revision": item.revision,
                "what": item.what,
                "recipients": [s.pk for s in item.recipients.all()],
                "sender": item.sender_id,
                "channel": item.channel,
                "frequency": item.frequency,
                "visibility": item.visibility,
            },
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = self.get_item()
        context.update(item=item, form=kwargs.get("form") or self._form(item))
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_item()
        form = self._form(item, request.POST)
        if run_form(
            form, lambda data: communication_item_update(actor=request.user, item=item, **data)
        ):
            messages.success(request, _("Saved."))
            return redirect("stakeholders:register", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CommunicationItemDeleteView(CommunicationItemEditView):
    """POST only: the PM removes the line, then back to the register."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_item()
        run_action(
            request,
            lambda: communication_item_delete(actor=request.user, item=item),
            success=_("Removed from the communication plan."),
        )
        return redirect("stakeholders:register", project_id=self.project.pk)


class PortalEngagementView(PortalPageMixin, ProjectPageMixin, TemplateView):
    """The client's view: the client-visible communication plan and the RACI."""

    request: AuthenticatedHttpRequest

    template_name = "stakeholders/portal_engagement.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows, people, cells = raci_for(user=user, project=self.project)
        context.update(
            communication_items=communication_plan_for(user=user, project=self.project),
            raci_rows=[(row, [cells.get((row, person), "") for person in people]) for row in rows],
            raci_people=people,
        )
        return context
