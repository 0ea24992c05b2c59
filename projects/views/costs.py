"""Staff pages for time and cost: the "Time and cost" tab (time entries, the PM's approval of a
period, rates, cost entries, earned value with its chart) and the CSV export."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.mixins import StaffPageMixin
from common.errors import ApplicationError, NotFound, add_form_error
from projects.earned_value import earned_value_series, project_earned_value
from projects.forms import ApprovalPeriodForm, CostEntryForm, RateForm, TimeEntryForm
from projects.mixins import ProjectPageMixin
from projects.models import STAFF_ROLES
from projects.permissions import can_manage_costs
from projects.selectors.costs import (
    approved_hours_by_week_for,
    cost_entry_get_for,
    cost_entry_list_for,
    rate_get_for,
    rate_list_for,
    time_entry_get_for,
    time_entry_list_for,
)
from projects.selectors.tasks import task_list_for, task_team_for
from projects.services.costs import (
    cost_entry_add,
    cost_entry_delete,
    rate_delete,
    rate_set,
    time_entry_delete,
    time_entry_log,
    time_period_approve,
)
from projects.views.tasks import spreadsheet_safe


def _series_for_chart(points: list) -> dict[str, list]:
    return {
        "labels": [point.date.isoformat() for point in points],
        "pv": [None if point.pv is None else float(point.pv) for point in points],
        "ev": [None if point.ev is None else float(point.ev) for point in points],
        "ac": [float(point.ac) for point in points],
        "names": {"pv": _("Planned value"), "ev": _("Earned value"), "ac": _("Actual cost")},
    }


class TimeCostView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The "Time and cost" tab. Every POST names its `action`; each calls one service."""

    template_name = "projects/costs.html"
    project_permission = "projects.view_costs"

    def _forms(self, data: Any = None, action: str = "") -> dict[str, Any]:
        project, user = self.project, self.request.user
        is_pm = can_manage_costs(user, project)
        team = [(m.user_id, m.user.display_name) for m in task_team_for(project=project)]
        tasks = [(task.pk, task.name) for task in task_list_for(user=user, project=project)]
        staff_team = [
            (m.user_id, m.user.display_name)
            for m in project.memberships.filter(role__in=STAFF_ROLES)
            .select_related("user")
            .order_by("user__display_name")
        ]
        return {
            "time_form": TimeEntryForm(
                data if action == "log" else None,
                tasks=tasks,
                people=team if is_pm else None,
                initial={"date": timezone.localdate(), "is_billable": True},
            ),
            "approval_form": ApprovalPeriodForm(data if action == "approve" else None),
            "rate_form": RateForm(data if action == "rate" else None, people=staff_team),
            "cost_form": CostEntryForm(
                data if action == "cost" else None, initial={"date": timezone.localdate()}
            ),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project, user = self.project, self.request.user
        series = earned_value_series(project)
        context.update(
            {
                "can_log_time": user.has_perm("projects.log_time", project),
                "can_manage_costs": can_manage_costs(user, project),
                "can_export_costs": user.has_perm("projects.export_costs", project),
                "time_entries": time_entry_list_for(user=user, project=project)[:100],
                "rates": rate_list_for(user=user, project=project),
                "cost_entries": cost_entry_list_for(user=user, project=project)[:100],
                "figures": project_earned_value(project),
                "series": series,
                "chart": _series_for_chart(series),
                "weeks": approved_hours_by_week_for(user=user, project=project),
            }
        )
        for name, form in self._forms().items():
            context.setdefault(name, form)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "")
        forms = self._forms(request.POST, action)
        try:
            done = self._handle(action, forms, request)
        except ApplicationError as error:
            form = forms.get(
                {"log": "time_form", "approve": "approval_form", "rate": "rate_form"}.get(
                    action, "cost_form"
                )
            )
            if action.startswith("delete") or form is None:
                messages.error(request, str(error.message))
                return redirect("projects:costs", project_id=self.project.pk)
            add_form_error(form, error)
            done = None
        if done:
            messages.success(request, done)
            return redirect("projects:costs", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(**forms), status=400)

    def _handle(self, action: str, forms: dict[str, Any], request: HttpRequest) -> str | None:
        project, user = self.project, request.user
        if action == "log":
            form = forms["time_form"]
            if not form.is_valid():
                return None
            values = form.cleaned_data
            task = task_list_for(user=user, project=project).filter(pk=values["task"]).first()
            person = None
            if values.get("person"):
                person = next(
                    (
                        m.user
                        for m in task_team_for(project=project)
                        if m.user_id == values["person"]
                    ),
                    None,
                )
            time_entry_log(
                actor=user,
                project=project,
                person=person,
                date=values["date"],
                hours=values["hours"],
                task=task,
                note=values["note"],
                is_billable=values["is_billable"],
            )
            return _("Time logged.")
        if action == "approve":
            form = forms["approval_form"]
            if not form.is_valid():
                return None
            count = time_period_approve(actor=user, project=project, **form.cleaned_data)
            return _("%(count)d time entries approved.") % {"count": count}
        if action == "rate":
            form = forms["rate_form"]
            if not form.is_valid():
                return None
            values = form.cleaned_data
            person = None
            if values["user"]:
                person = project.memberships.filter(user_id=values["user"]).first()
                if person is None:
                    raise NotFound()
                person = person.user
            rate_set(
                actor=user,
                project=project,
                role=values["role"],
                user=person,
                hourly_rate=values["hourly_rate"],
            )
            return _("Rate saved.")
        if action == "cost":
            form = forms["cost_form"]
            if not form.is_valid():
                return None
            cost_entry_add(actor=user, project=project, **form.cleaned_data)
            return _("Cost recorded.")
        return self._delete(action, request)

    def _delete(self, action: str, request: HttpRequest) -> str:
        project, user = self.project, request.user
        try:
            pk = int(request.POST.get("id", ""))
        except ValueError:
            raise NotFound() from None
        if action == "delete_time":
            entry = time_entry_get_for(user=user, project=project, entry_id=pk)
            if entry is None:
                raise NotFound()
            time_entry_delete(actor=user, entry=entry)
            return _("Time entry deleted.")
        if action == "delete_cost":
            cost = cost_entry_get_for(user=user, project=project, entry_id=pk)
            if cost is None:
                raise NotFound()
            cost_entry_delete(actor=user, entry=cost)
            return _("Cost entry deleted.")
        if action == "delete_rate":
            rate = rate_get_for(user=user, project=project, rate_id=pk)
            if rate is None:
                raise NotFound()
            rate_delete(actor=user, rate=rate)
            return _("Rate deleted.")
        raise NotFound()


class CostCsvView(StaffPageMixin, ProjectPageMixin, View):
    """The project's time and cost entries as one CSV (PM, AM, staff admins), safe against
    formula injection."""

    project_permission = "projects.export_costs"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.project
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{project.code}-costs.csv"'
        response.write("\ufeff")  # so that spreadsheets read UTF-8 (Chinese names)
        writer = csv.writer(response)
        writer.writerow(
            [
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
        )
        for entry in time_entry_list_for(user=request.user, project=project).order_by("date", "id"):
            writer.writerow(
                spreadsheet_safe(value)
                for value in (
                    _("Time"),
                    entry.date.isoformat(),
                    entry.person.display_name,
                    entry.task.name if entry.task else "",
                    entry.hours,
                    "",
                    entry.get_status_display(),
                    _("yes") if entry.is_billable else _("no"),
                    entry.note,
                )
            )
        for cost in cost_entry_list_for(user=request.user, project=project).order_by("date", "id"):
            writer.writerow(
                spreadsheet_safe(value)
                for value in (
                    _("Cost"),
                    cost.date.isoformat(),
                    cost.get_category_display(),
                    "",
                    "",
                    cost.amount,
                    cost.get_visibility_display(),
                    "",
                    cost.note,
                )
            )
        return response
