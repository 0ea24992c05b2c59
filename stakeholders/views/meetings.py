"""Meeting pages on both sides: the list (upcoming and past) and the detail with its minutes,
decisions and action items. Clients see the client-visible meetings and minutes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.errors import NotAllowed
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_form
from projects.mixins import ProjectPageMixin
from stakeholders.forms.choices import offer
from stakeholders.forms.meetings import (
    ActionItemForm,
    DecisionForm,
    MeetingEditForm,
    MeetingForm,
    MinutesEditForm,
)
from stakeholders.permissions import can_manage_meetings
from stakeholders.selectors.meetings import (
    meeting_get_for,
    meeting_list_for,
    meeting_people_for,
    meeting_rows_for,
)
from stakeholders.selectors.register import stakeholder_list_for
from stakeholders.services.meetings import (
    action_item_create,
    meeting_create,
    meeting_decision_record,
    meeting_update,
    meeting_update_minutes,
)
from stakeholders.views.register import project_members


def _split_meetings(meetings: list[Any]) -> tuple[list[Any], list[Any]]:
    now = timezone.now()
    upcoming = sorted((m for m in meetings if m.starts_at >= now), key=lambda m: m.starts_at)
    past = [m for m in meetings if m.starts_at < now]
    return upcoming, past


class MeetingListMixin(ProjectPageMixin):
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meetings = list(meeting_rows_for(user=self.request.user, project=self.project))
        upcoming, past = _split_meetings(meetings)
        context.update(upcoming=upcoming, past=past)
        return context


class MeetingListView(StaffPageMixin, MeetingListMixin, TemplateView):
    request: AuthenticatedHttpRequest

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
            members=project_members(self.project),
            stakeholders=stakeholder_list_for(user=self.request.user, project=self.project),
        )

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self._form(request.POST)
        if done := run_form(
            form, lambda data: meeting_create(actor=request.user, project=self.project, **data)
        ):
            return redirect(
                "stakeholders:meeting", project_id=self.project.pk, meeting_id=done.value.pk
            )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PortalMeetingListView(PortalPageMixin, MeetingListMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/portal_meeting_list.html"


class MeetingExportBase(ExportFormatMixin, ProjectPageMixin, View):
    """The meetings this person may see as CSV or Excel, latest first, with the attendees,
    decisions and action items they may see (never the minutes' text). The staff file says
    which meetings and minutes are internal."""

    request: AuthenticatedHttpRequest
    with_visibility = True

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [
            _("Title"),
            _("Starts"),
            _("Location or link"),
            _("Attendees"),
            _("Stakeholders"),
            _("Decisions"),
            _("Action items"),
        ]
        if self.with_visibility:
            headers += [_("Visibility"), _("Minutes visibility")]
        rows = (
            [
                meeting.title,
                meeting.starts_at,
                meeting.location,
                ", ".join(person.display_name for person in meeting.attendees.all()),
                ", ".join(stakeholder.name for stakeholder in meeting.stakeholder_attendees.all()),
                len(meeting.decisions.all()),
                len(meeting.action_items.all()),
            ]
            + (
                [meeting.get_visibility_display(), meeting.get_minutes_visibility_display()]
                if self.with_visibility
                else []
            )
            for meeting in meeting_list_for(user=request.user, project=self.project).order_by(
                "-starts_at", "-id"
            )
        )
        return self.export(
            Table(title=_("Meetings"), headers=headers, rows=rows),
            name=f"{self.project.code}-meetings",
            day=local_day(self.project.client.time_zone),
        )


class MeetingExportView(StaffPageMixin, MeetingExportBase):
    pass


class PortalMeetingExportView(PortalPageMixin, MeetingExportBase):
    with_visibility = False


class MeetingDetailMixin(ProjectPageMixin):
    request: AuthenticatedHttpRequest
    kwargs: dict[str, Any]

    def reads_people_apart(self) -> bool:
        """Whether the page reads the meeting's attendees with the project's people
        (meeting_people_for) rather than with the meeting."""
        return False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["meeting"] = meeting_get_for(
            user=self.request.user,
            project=self.project,
            meeting_id=self.kwargs["meeting_id"],
            with_people=not self.reads_people_apart(),
        )
        return context


class MeetingDetailView(StaffPageMixin, MeetingDetailMixin, TemplateView):
    """A meeting: agenda, minutes, decisions and action items; the PM and team record them
    with its forms, each posting to its own view below."""

    request: AuthenticatedHttpRequest

    template_name = "stakeholders/meeting_detail.html"

    def _members(self) -> Any:
        return project_members(self.project)

    def _meeting_form(self, meeting: Any, data: Any = None) -> MeetingEditForm:
        return MeetingEditForm(
            data,
            members=self._members(),
            stakeholders=stakeholder_list_for(user=self.request.user, project=self.project),
            initial={
                "revision": meeting.revision,
                "title": meeting.title,
                "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
                "location": meeting.location,
                "visibility": meeting.visibility,
                "agenda": meeting.agenda,
                "attendees": [person.pk for person in meeting.attendees.all()],
                "stakeholder_attendees": [s.pk for s in meeting.stakeholder_attendees.all()],
            },
        )

    def reads_people_apart(self) -> bool:
        return can_manage_meetings(self.request.user, self.project)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meeting = context["meeting"]
        may_manage = can_manage_meetings(self.request.user, self.project)
        if may_manage:
            # The members and stakeholders the forms offer, read with the meeting's attendees.
            members, stakeholders = meeting_people_for(project=self.project, meeting=meeting)
        action_form = kwargs.get("action_form") or ActionItemForm(members=self._members())
        meeting_form = kwargs.get("meeting_form") or self._meeting_form(meeting)
        if may_manage:
            # The forms (shown to who manages) offer the rows read once; their querysets still
            # check a post.
            offer(action_form.fields["owner"], members)
            offer(meeting_form.fields["attendees"], members)
            offer(meeting_form.fields["stakeholder_attendees"], stakeholders)
        context.update(
            may_manage=may_manage,
            minutes_form=kwargs.get("minutes_form")
            or MinutesEditForm(
                initial={
                    "revision": meeting.revision,
                    "minutes": meeting.minutes,
                    "minutes_visibility": meeting.minutes_visibility,
                }
            ),
            decision_form=kwargs.get("decision_form") or DecisionForm(),
            action_form=action_form,
            meeting_form=meeting_form,
        )
        return context


class MeetingFormView(MeetingDetailView):
    """POST only: one of the meeting page's forms, for the PM and team. Saved, back to the
    meeting; refused, the meeting page again with that form's errors."""

    http_method_names = ["post"]
    form_name: str

    def make_form(self, meeting: Any, data: Any) -> Any:
        raise NotImplementedError

    def save(self, meeting: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_meetings(request.user, self.project):
            raise NotAllowed
        meeting = meeting_get_for(
            user=request.user, project=self.project, meeting_id=kwargs["meeting_id"]
        )
        form = self.make_form(meeting, request.POST)
        if run_form(form, lambda data: self.save(meeting, data)):
            messages.success(request, _("Saved."))
            return redirect(
                "stakeholders:meeting", project_id=self.project.pk, meeting_id=meeting.pk
            )
        return self.render_to_response(self.get_context_data(**{self.form_name: form}), status=400)


class MeetingMinutesSaveView(MeetingFormView):
    """The minutes and who may read them."""

    form_name = "minutes_form"

    def make_form(self, meeting: Any, data: Any) -> MinutesEditForm:
        return MinutesEditForm(data)

    def save(self, meeting: Any, data: dict[str, Any]) -> Any:
        return meeting_update_minutes(actor=self.request.user, meeting=meeting, **data)


class MeetingDecisionAddView(MeetingFormView):
    """A decision taken in the meeting."""

    form_name = "decision_form"

    def make_form(self, meeting: Any, data: Any) -> DecisionForm:
        return DecisionForm(data)

    def save(self, meeting: Any, data: dict[str, Any]) -> Any:
        return meeting_decision_record(actor=self.request.user, meeting=meeting, **data)


class ActionItemAddView(MeetingFormView):
    """An action item from the meeting, for one person."""

    form_name = "action_form"

    def make_form(self, meeting: Any, data: Any) -> ActionItemForm:
        return ActionItemForm(data, members=self._members())

    def save(self, meeting: Any, data: dict[str, Any]) -> Any:
        return action_item_create(actor=self.request.user, meeting=meeting, **data)


class MeetingEditView(MeetingFormView):
    """The meeting itself: title, time, place, visibility, agenda and attendees."""

    form_name = "meeting_form"

    def make_form(self, meeting: Any, data: Any) -> MeetingEditForm:
        return self._meeting_form(meeting, data)

    def save(self, meeting: Any, data: dict[str, Any]) -> Any:
        return meeting_update(actor=self.request.user, meeting=meeting, **data)


class PortalMeetingDetailView(PortalPageMixin, MeetingDetailMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/portal_meeting_detail.html"
