"""E-mails about a project that could not be delivered: its PMs (and staff admins) read why and
send them again. Never their text: only recipient, subject, reason and attempts."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.errors import NotFound
from common.exports import ExportFormatMixin, local_day
from common.pages import run_action
from notifications.exports import failed_email_table
from notifications.selectors import outbox_failed_for_project, outbox_message_get
from notifications.services.outbox import outbox_resend
from projects.mixins import ProjectPageMixin


class FailedEmailsView(StaffPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    project_permission = "projects.resend_project_emails"
    template_name = "projects/failed_emails.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["failed_messages"] = outbox_failed_for_project(project_id=self.project.pk)
        return context


class FailedEmailExportView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The project's undelivered e-mails as CSV or Excel, for those who read the page."""

    request: AuthenticatedHttpRequest

    project_permission = "projects.resend_project_emails"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        messages = outbox_failed_for_project(project_id=self.project.pk)
        return self.export(
            failed_email_table(messages, title=_("Undelivered e-mails")),
            name=f"{self.project.code}-failed-emails",
            day=local_day(self.project.client.time_zone),
        )


class FailedEmailResendView(StaffPageMixin, ProjectPageMixin, View):
    """POST: send one of the project's failed e-mails again."""

    # Outgoing messages finish after closure: the outbox is not project data (projects.closure).
    writable_when_closed = True

    request: AuthenticatedHttpRequest

    project_permission = "projects.resend_project_emails"
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        message = outbox_message_get(message_id=kwargs["message_id"])
        if message.project_id != self.project.pk:
            raise NotFound()
        run_action(
            request,
            lambda: outbox_resend(actor=request.user, message=message),
            success=_("The e-mail is queued to be sent again."),
        )
        return redirect("projects:failed_emails", self.project.pk)
