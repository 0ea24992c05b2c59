"""Staff pages for time and cost: the "Time and cost" tab (time entries, the PM's approval of a
period, rates, cost entries, earned value with its chart) and the CSV export."""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common import formatting
from common.errors import NotFound
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_action, run_form
from projects.earned_value.series import SeriesPoint, earned_value_today_and_series
from projects.forms.costs import ApprovalPeriodForm, CostEntryForm, RateForm, TimeEntryForm
from projects.mixins import ProjectPageMixin
from projects.permissions import can_manage_costs
from projects.selectors.costs import (
    approved_hours_by_week_for,
    cost_entry_get_for,
    cost_entry_list_for,
    cost_form_choices_for,
    rate_get_for,
    rate_list_for,
    time_entry_get_for,
    time_entry_list_for,
)
from projects.selectors.tasks import TASK_TEAM_ROLES, task_list_for, task_team_for
from projects.services.costs import (
    cost_entry_add,
    cost_entry_delete,
    rate_delete,
    rate_set,
    time_entry_delete,
    time_entry_log,
    time_period_approve,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _series_for_chart(points: list[SeriesPoint]) -> dict[str, Any]:
    return {
        "labels": [formatting.month_day(point.date) for point in points],
        "pv": [None if point.pv is None else float(point.pv) for point in points],
        "ev": [None if point.ev is None else float(point.ev) for point in points],
        "ac": [float(point.ac) for point in points],
        "names": {"pv": _("Planned value"), "ev": _("Earned value"), "ac": _("Actual cost")},
    }


class TimeCostView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The "Time and cost" tab. Each of its forms posts to a view of its own (below)."""

    request: AuthenticatedHttpRequest

    template_name = "projects/costs.html"
    project_permission = "projects.view_costs"

    def _forms(self, data: Any = None, posted: str = "") -> dict[str, Any]:
        """The tab's four forms; the one named `posted` is bound to `data`."""
        project, user = self.project, self.request.user
        is_pm = can_manage_costs(user, project)
        # The tasks and the staff in one query: all the staff for rates; the PMs and team
        # members (task_team_for) for the time form.
        choices = cost_form_choices_for(user=user, project=project)
        tasks = choices.tasks
        staff_team = [(pk, name) for pk, name, _role in choices.staff]
        team = [(pk, name) for pk, name, role in choices.staff if role in TASK_TEAM_ROLES]

        def bound(name: str) -> Any:
            return data if name == posted else None

        return {
            "time_form": TimeEntryForm(
                bound("time_form"),
                tasks=tasks,
                people=team if is_pm else None,
                initial={"date": timezone.localdate(), "is_billable": True},
            ),
            "approval_form": ApprovalPeriodForm(bound("approval_form")),
            "rate_form": RateForm(bound("rate_form"), people=staff_team),
            "cost_form": CostEntryForm(bound("cost_form"), initial={"date": timezone.localdate()}),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project, user = self.project, self.request.user
        figures, series = earned_value_today_and_series(project)
        context.update(
            {
                "can_log_time": user.has_perm("projects.log_time", project),
                "can_manage_costs": can_manage_costs(user, project),
                "can_export_costs": user.has_perm("projects.export_costs", project),
                "time_entries": time_entry_list_for(user=user, project=project)[:100],
                "rates": rate_list_for(user=user, project=project),
                "cost_entries": cost_entry_list_for(user=user, project=project)[:100],
                "figures": figures,
                "series": series,
                "chart": _series_for_chart(series),
                "weeks": approved_hours_by_week_for(user=user, project=project),
            }
        )
        for name, form in self._forms().items():
            context.setdefault(name, form)
        return context

    def _back(self) -> HttpResponse:
        return redirect("projects:costs", project_id=self.project.pk)


class CostFormView(TimeCostView):
    """POST only: one form of the tab through its service. Done, back to the tab with a message;
    an invalid form or a refusal shows the tab again with the form's errors."""

    http_method_names = ["post"]
    form_name = ""

    def save(self, data: dict[str, Any]) -> str:
        """Call the service with the form's data; the message to show."""
        raise NotImplementedError

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        forms = self._forms(request.POST, self.form_name)
        if done := run_form(forms[self.form_name], self.save):
            messages.success(request, done.value)
            return self._back()
        return self.render_to_response(self.get_context_data(**forms), status=400)


class TimeLogView(CostFormView):
    form_name = "time_form"

    def save(self, data: dict[str, Any]) -> str:
        project, user = self.project, self.request.user
        task = task_list_for(user=user, project=project).filter(pk=data["task"]).first()
        person = None
        if data.get("person"):
            person = next(
                (m.user for m in task_team_for(project=project) if m.user_id == data["person"]),
                None,
            )
        time_entry_log(
            actor=user,
            project=project,
            person=person,
            date=data["date"],
            hours=data["hours"],
            task=task,
            note=data["note"],
            is_billable=data["is_billable"],
        )
        return _("Time logged.")


class TimeApproveView(CostFormView):
    form_name = "approval_form"

    def save(self, data: dict[str, Any]) -> str:
        count = time_period_approve(actor=self.request.user, project=self.project, **data)
        return _("%(count)d time entries approved.") % {"count": count}


class RateSetView(CostFormView):
    form_name = "rate_form"

    def save(self, data: dict[str, Any]) -> str:
        person = None
        if data["user"]:
            membership = self.project.memberships.filter(user_id=data["user"]).first()
            if membership is None:
                raise NotFound()
            person = membership.user
        rate_set(
            actor=self.request.user,
            project=self.project,
            role=data["role"],
            user=person,
            hourly_rate=data["hourly_rate"],
        )
        return _("Rate saved.")


class CostAddView(CostFormView):
    form_name = "cost_form"

    def save(self, data: dict[str, Any]) -> str:
        cost_entry_add(actor=self.request.user, project=self.project, **data)
        return _("Cost recorded.")


class CostDeleteView(StaffPageMixin, ProjectPageMixin, View):
    """POST only: delete the time entry, cost entry or rate whose `id` is posted, then back to
    the tab with a message. One the person may not see is "not found", as a message too."""

    request: AuthenticatedHttpRequest

    project_permission = "projects.view_costs"
    http_method_names = ["post"]
    success: str | _StrPromise = ""

    def get_object(self, pk: int) -> Any:
        raise NotImplementedError

    def remove(self, obj: Any) -> None:
        raise NotImplementedError

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raw = request.POST.get("id", "")
        obj = self.get_object(int(raw)) if raw.isdigit() else None
        if obj is None:
            messages.error(request, str(NotFound.default_message))
        else:
            run_action(request, lambda: self.remove(obj), success=str(self.success))
        return redirect("projects:costs", project_id=self.project.pk)


class TimeEntryDeleteView(CostDeleteView):
    success = gettext_lazy("Time entry deleted.")

    def get_object(self, pk: int) -> Any:
        return time_entry_get_for(user=self.request.user, project=self.project, entry_id=pk)

    def remove(self, obj: Any) -> None:
        time_entry_delete(actor=self.request.user, entry=obj)


class CostEntryDeleteView(CostDeleteView):
    success = gettext_lazy("Cost entry deleted.")

    def get_object(self, pk: int) -> Any:
        return cost_entry_get_for(user=self.request.user, project=self.project, entry_id=pk)

    def remove(self, obj: Any) -> None:
        cost_entry_delete(actor=self.request.user, entry=obj)


class RateDeleteView(CostDeleteView):
    success = gettext_lazy("Rate deleted.")

    def get_object(self, pk: int) -> Any:
        return rate_get_for(user=self.request.user, project=self.project, rate_id=pk)

    def remove(self, obj: Any) -> None:
        rate_delete(actor=self.request.user, rate=obj)


class CostCsvView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The project's time and cost entries as one CSV or Excel file (PM, AM, staff admins),
    safe against formula injection."""

    request: AuthenticatedHttpRequest

    project_permission = "projects.export_costs"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.project
        header = [
            _("Kind"),
            _("Date"),
            _("Person or category"),
            _("Task"),
            _("Hours"),
            _("Amount"),
            _("Status or visibility"),
            _("Billable"),
            _("Note"),
        ]
        times = time_entry_list_for(user=request.user, project=project).order_by("date", "id")
        costs = cost_entry_list_for(user=request.user, project=project).order_by("date", "id")
        rows = chain(
            (
                (
                    _("Time"),
                    entry.date,
                    entry.person.display_name,
                    entry.task.name if entry.task else "",
                    entry.hours,
                    "",
                    entry.get_status_display(),
                    entry.is_billable,
                    entry.note,
                )
                for entry in times
            ),
            (
                (
                    _("Cost"),
                    cost.date,
                    cost.get_category_display(),
                    "",
                    "",
                    cost.amount,
                    cost.get_visibility_display(),
                    "",
                    cost.note,
                )
                for cost in costs
            ),
        )
        return self.export(
            Table(title=_("Time and cost"), headers=header, rows=rows),
            name=f"{project.code}-costs",
            day=local_day(project.client.time_zone),
        )
