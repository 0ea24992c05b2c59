"""The to-do list of one's open action items (staff and portal) and ticking one off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.exports import ExportFormatMixin, Table, local_day
from stakeholders.selectors.meetings import action_item_get_for, open_action_items_for
from stakeholders.services.meetings import action_item_set_done


class TodoMixin:
    """My open action items across my projects."""

    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(
            items=open_action_items_for(user=self.request.user), today=timezone.localdate()
        )
        return context


class TodoView(StaffPageMixin, TodoMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/todo.html"


class PortalTodoView(PortalPageMixin, TodoMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/portal_todo.html"


class TodoExportBase(ExportFormatMixin, View):
    """My open action items as CSV or Excel, as the to-do list shows them: each with its project,
    its meeting and its due date (the same selector, so a client's file holds only what their
    list does)."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [_("Action"), _("Project"), _("Meeting"), _("Due"), _("Overdue")]
        today = timezone.localdate()
        rows = (
            [
                item.text,
                item.meeting.project.name,
                item.meeting.title,
                item.due_date,
                item.due_date is not None and item.due_date < today,
            ]
            for item in open_action_items_for(user=request.user)
        )
        return self.export(
            Table(title=_("My action items"), headers=headers, rows=rows),
            name="action-items",
            day=local_day(),
        )


class TodoExportView(StaffPageMixin, TodoExportBase):
    pass


class PortalTodoExportView(PortalPageMixin, TodoExportBase):
    pass


class ActionItemDoneView(LoginRequiredMixin, View):
    """POST: the owner (or the PM and team) ticks an item done (done=1) or reopens it."""

    request: AuthenticatedHttpRequest

    def post(self, request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
        item = action_item_get_for(user=request.user, item_id=item_id)
        action_item_set_done(actor=request.user, item=item, is_done=request.POST.get("done") == "1")
        messages.success(request, _("Saved."))
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect(
            "stakeholders:portal_todo" if request.user.is_client_user else "stakeholders:todo"
        )
