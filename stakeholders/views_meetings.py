"""Pages of the register, the meetings, the to-do list and the decision log, on both sides.

Staff pages are for the provider side (clients are sent to the portal); the portal pages show
clients the client-visible part (the selectors narrow it).
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.mixins import PortalPageMixin, ProjectPageMixin, StaffPageMixin
from common.errors import ApplicationError, InvalidInput, NotAllowed, NotFound, add_form_error
from common.pdf import pdf_response
from projects.selectors import deliverable_list_for
from projects.views.tasks import spreadsheet_safe
from stakeholders.decisions import decision_log_for
from stakeholders.forms_meetings import (
    CLEAR,
    ActionItemForm,
    CommunicationItemForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    RaciForm,
    StakeholderForm,
)
from stakeholders.models import CommunicationItem, RaciAssignment, Stakeholder
from stakeholders.permissions_meetings import can_edit_register, can_manage_meetings
from stakeholders.selectors_meetings import (
    action_item_get_for,
    communication_plan_for,
    meeting_get_for,
    meeting_list_for,
    open_action_items_for,
    raci_for,
    stakeholder_grid,
    stakeholder_list_for,
)
from stakeholders.services_meetings import (
    action_item_create,
    action_item_set_done,
    communication_item_create,
    communication_item_delete,
    communication_item_update,
    meeting_create,
    meeting_decision_record,
    meeting_update,
    meeting_update_minutes,
    raci_assign,
    raci_unassign,
    stakeholder_create,
    stakeholder_delete,
    stakeholder_update,
)


def _members(project: Any) -> Any:
    """The people of both sides on the project, for attendees, senders and RACI cells."""
    return (
        get_user_model()
        .objects.filter(memberships__project=project)
        .distinct()
        .order_by("display_name", "email")
    )


def _split_meetings(meetings: list[Any]) -> tuple[list[Any], list[Any]]:
    now = timezone.now()
    upcoming = sorted((m for m in meetings if m.starts_at >= now), key=lambda m: m.starts_at)
    past = [m for m in meetings if m.starts_at < now]
    return upcoming, past


# --- The register, the communication plan and the RACI ----------------------------------------


class RegisterView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The register with its influence-interest grid, the communication plan and the RACI;
    the PM edits them here (one form per POST, named by `form`)."""

    template_name = "stakeholders/register.html"
    project_permission = "stakeholders.view_register"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        stakeholders = list(stakeholder_list_for(user=user, project=self.project))
        rows, people, cells = raci_for(user=user, project=self.project)
        choices = stakeholder_list_for(user=user, project=self.project)
        context.update(
            stakeholders=stakeholders,
            grid=stakeholder_grid(stakeholders),
            communication_items=communication_plan_for(user=user, project=self.project),
            raci_rows=[(row, [cells.get((row, person), "") for person in people]) for row in rows],
            raci_people=people,
            may_edit=can_edit_register(user, self.project),
            stakeholder_form=kwargs.get("stakeholder_form") or StakeholderForm(),
            communication_form=kwargs.get("communication_form")
            or CommunicationItemForm(stakeholders=choices, members=_members(self.project)),
            raci_form=kwargs.get("raci_form") or self._raci_form(choices),
        )
        return context

    def _raci_form(self, choices: Any, data: Any = None) -> RaciForm:
        return RaciForm(
            data,
            stakeholders=choices,
            members=_members(self.project),
            deliverables=deliverable_list_for(user=self.request.user, project=self.project),
        )

    def _raci(self, request: HttpRequest, form: RaciForm) -> None:
        data = dict(form.cleaned_data)
        letter = data.pop("letter")
        data["work_area"] = (data["work_area"] or "").strip()
        if letter != CLEAR:
            raci_assign(actor=request.user, project=self.project, letter=letter, **data)
            return
        cell = RaciAssignment.objects.filter(project=self.project, **data).first()
        if cell is None:
            raise InvalidInput(_("That cell is already empty."), field="letter")
        raci_unassign(actor=request.user, assignment=cell)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_register(request.user, self.project):
            raise NotAllowed
        choices = stakeholder_list_for(user=request.user, project=self.project)
        which = request.POST.get("form")
        form: Any
        if which == "communication":
            form = CommunicationItemForm(
                request.POST, stakeholders=choices, members=_members(self.project)
            )
            name = "communication_form"
            service: Any = communication_item_create
        elif which == "raci":
            form = self._raci_form(choices, request.POST)
            name = "raci_form"
            service = None
        else:
            form = StakeholderForm(request.POST)
            name = "stakeholder_form"
            service = stakeholder_create
        if form.is_valid():
            try:
                if service is None:
                    self._raci(request, form)
                else:
                    service(actor=request.user, project=self.project, **form.cleaned_data)
            except ApplicationError as error:
                add_form_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("stakeholders:register", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(**{name: form}), status=400)


class StakeholderEditView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The PM changes or removes an entry of the register."""

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
            or StakeholderForm(initial={name: getattr(stakeholder, name) for name in fields}),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        stakeholder = self.get_stakeholder()
        if request.POST.get("action") == "delete":
            try:
                stakeholder_delete(actor=request.user, stakeholder=stakeholder)
            except ApplicationError as error:
                messages.error(request, str(error.message))
                return redirect(
                    "stakeholders:stakeholder",
                    project_id=self.project.pk,
                    stakeholder_id=stakeholder.pk,
                )
            messages.success(request, _("%(name)s is removed.") % {"name": stakeholder.name})
            return redirect("stakeholders:register", project_id=self.project.pk)
        form = StakeholderForm(request.POST)
        if form.is_valid():
            try:
                stakeholder_update(actor=request.user, stakeholder=stakeholder, **form.cleaned_data)
            except ApplicationError as error:
                add_form_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("stakeholders:register", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CommunicationItemEditView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The PM changes or removes a line of the communication plan."""

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

    def _form(self, item: CommunicationItem, data: Any = None) -> CommunicationItemForm:
        return CommunicationItemForm(
            data,
            stakeholders=stakeholder_list_for(user=self.request.user, project=self.project),
            members=_members(self.project),
            initial={
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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_item()
        if request.POST.get("action") == "delete":
            communication_item_delete(actor=request.user, item=item)
            messages.success(request, _("Removed from the communication plan."))
            return redirect("stakeholders:register", project_id=self.project.pk)
        form = self._form(item, request.POST)
        if form.is_valid():
            try:
                communication_item_update(actor=request.user, item=item, **form.cleaned_data)
            except ApplicationError as error:
                add_form_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("stakeholders:register", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PortalEngagementView(PortalPageMixin, ProjectPageMixin, TemplateView):
    """The client's view: the client-visible communication plan and the RACI."""

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


# --- Meetings ---------------------------------------------------------------------------------


class MeetingListMixin(ProjectPageMixin):
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meetings = list(meeting_list_for(user=self.request.user, project=self.project))
        upcoming, past = _split_meetings(meetings)
        context.update(upcoming=upcoming, past=past)
        return context


class MeetingListView(StaffPageMixin, MeetingListMixin, TemplateView):
    template_name = "stakeholders/meeting_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            may_manage=can_manage_meetings(self.request.user, self.project),
            form=kwargs.get("form") or self._form(),
        )
        return context

    def _form(self, data: Any = None) -> MeetingForm:
        return MeetingForm(
            data,
            members=_members(self.project),
            stakeholders=stakeholder_list_for(user=self.request.user, project=self.project),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            try:
                meeting = meeting_create(
                    actor=request.user, project=self.project, **form.cleaned_data
                )
            except ApplicationError as error:
                add_form_error(form, error)
            else:
                return redirect(
                    "stakeholders:meeting", project_id=self.project.pk, meeting_id=meeting.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PortalMeetingListView(PortalPageMixin, MeetingListMixin, TemplateView):
    template_name = "stakeholders/portal_meeting_list.html"


class MeetingDetailMixin(ProjectPageMixin):
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["meeting"] = meeting_get_for(
            user=self.request.user, project=self.project, meeting_id=self.kwargs["meeting_id"]
        )
        return context


class MeetingDetailView(StaffPageMixin, MeetingDetailMixin, TemplateView):
    """A meeting: agenda, minutes, decisions and action items; the PM and team record them."""

    template_name = "stakeholders/meeting_detail.html"

    def _members(self) -> Any:
        return _members(self.project)

    def _meeting_form(self, meeting: Any, data: Any = None) -> MeetingForm:
        return MeetingForm(
            data,
            members=self._members(),
            stakeholders=stakeholder_list_for(user=self.request.user, project=self.project),
            initial={
                "title": meeting.title,
                "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
                "location": meeting.location,
                "visibility": meeting.visibility,
                "agenda": meeting.agenda,
                "attendees": [person.pk for person in meeting.attendees.all()],
                "stakeholder_attendees": [s.pk for s in meeting.stakeholder_attendees.all()],
            },
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meeting = context["meeting"]
        context.update(
            may_manage=can_manage_meetings(self.request.user, self.project),
            minutes_form=kwargs.get("minutes_form")
            or MinutesForm(
                initial={
                    "minutes": meeting.minutes,
                    "minutes_visibility": meeting.minutes_visibility,
                }
            ),
            decision_form=kwargs.get("decision_form") or DecisionForm(),
            action_form=kwargs.get("action_form") or ActionItemForm(members=self._members()),
            meeting_form=kwargs.get("meeting_form") or self._meeting_form(meeting),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_meetings(request.user, self.project):
            raise NotAllowed
        meeting = meeting_get_for(
            user=request.user, project=self.project, meeting_id=kwargs["meeting_id"]
        )
        which = request.POST.get("form")
        form: Any
        if which == "decision":
            form, name = DecisionForm(request.POST), "decision_form"
            service: Any = meeting_decision_record
        elif which == "action":
            form, name = ActionItemForm(request.POST, members=self._members()), "action_form"
            service = action_item_create
        elif which == "meeting":
            form, name = self._meeting_form(meeting, request.POST), "meeting_form"
            service = meeting_update
        else:
            form, name = MinutesForm(request.POST), "minutes_form"
            service = meeting_update_minutes
        if form.is_valid():
            try:
                service(actor=request.user, meeting=meeting, **form.cleaned_data)
            except ApplicationError as error:
                add_form_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(
                    "stakeholders:meeting", project_id=self.project.pk, meeting_id=meeting.pk
                )
        return self.render_to_response(self.get_context_data(**{name: form}), status=400)


class PortalMeetingDetailView(PortalPageMixin, MeetingDetailMixin, TemplateView):
    template_name = "stakeholders/portal_meeting_detail.html"


# --- Action items -----------------------------------------------------------------------------


class TodoMixin:
    """My open action items across my projects."""

    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(
            items=open_action_items_for(user=self.request.user), today=timezone.localdate()
        )
        return context


class TodoView(StaffPageMixin, TodoMixin, TemplateView):
    template_name = "stakeholders/todo.html"


class PortalTodoView(PortalPageMixin, TodoMixin, TemplateView):
    template_name = "stakeholders/portal_todo.html"


class ActionItemDoneView(LoginRequiredMixin, View):
    """POST: the owner (or the PM and team) ticks an item done (done=1) or reopens it."""

    def post(self, request: HttpRequest, item_id: int) -> HttpResponse:
        item = action_item_get_for(user=request.user, item_id=item_id)
        action_item_set_done(actor=request.user, item=item, is_done=request.POST.get("done") == "1")
        messages.success(request, _("Saved."))
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect(
            "stakeholders:portal_todo" if request.user.is_client_user else "stakeholders:todo"
        )


# --- The decision log -------------------------------------------------------------------------


class DecisionLogMixin(ProjectPageMixin):
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["decisions"] = decision_log_for(user=self.request.user, project=self.project)
        return context


class DecisionLogView(StaffPageMixin, DecisionLogMixin, TemplateView):
    template_name = "stakeholders/decision_log.html"


class PortalDecisionLogView(PortalPageMixin, DecisionLogMixin, TemplateView):
    template_name = "stakeholders/portal_decision_log.html"


def decision_log_pdf(request: HttpRequest, project: Any, *, portal: bool) -> HttpResponse:
    """The log as a PDF, with what this person may see (the client: the client-visible part)."""
    context = {
        "project": project,
        "decisions": decision_log_for(user=request.user, project=project),
        "portal": portal,
    }
    return pdf_response(
        "stakeholders/decision_log_pdf.html",
        context,
        request,
        filename=f"{project.code}-decisions.pdf",
    )


class DecisionLogPdfView(StaffPageMixin, ProjectPageMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return decision_log_pdf(request, self.project, portal=False)


class PortalDecisionLogPdfView(PortalPageMixin, ProjectPageMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return decision_log_pdf(request, self.project, portal=True)


def decision_log_csv(request: HttpRequest, project: Any) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{project.code}-decisions.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Date"), _("Kind"), _("Decision"), _("Decided by"), _("Side")])
    for decision in decision_log_for(user=request.user, project=project):
        writer.writerow(
            spreadsheet_safe(value)
            for value in (
                timezone.localtime(decision.decided_at).strftime("%Y-%m-%d %H:%M"),
                decision.kind,
                decision.text,
                decision.decided_by,
                decision.side,
            )
        )
    return response


class DecisionLogCsvView(StaffPageMixin, ProjectPageMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return decision_log_csv(request, self.project)


class PortalDecisionLogCsvView(PortalPageMixin, ProjectPageMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return decision_log_csv(request, self.project)
