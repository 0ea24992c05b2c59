"""Status report pages. Staff: the project's reports tab (schedule at a glance, the PM's summary,
"send now", the history with deliveries), the schedule form, the preview, a report with its
deliveries, its PDF. Portal: the archive (and, for a client admin, pause and recipients), a
report, its PDF. Everything reads through reports.selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from accounts.branding import current_brand
from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from accounts.models import User
from common.errors import ApplicationError, NotFound
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_action, run_form
from projects.mixins import ProjectPageMixin
from projects.models import Project
from projects.selectors.core import project_get_for
from reports.delivery import rendition_ensure
from reports.forms import RecipientsForm, ScheduleForm, SummaryForm
from reports.models import Report
from reports.permissions import (
    can_manage_report_recipients,
    can_manage_report_schedule,
    can_resend_report,
    can_send_report,
    can_view_report_deliveries,
)
from reports.rendering import present, report_pdf_filename
from reports.selectors import (
    delivery_list_for,
    report_get_for,
    report_list_for,
    schedule_get_for,
)
from reports.services.reports import ReportExists, report_preview, report_resend, report_send_now
from reports.services.schedules import (
    client_time_zone,
    schedule_save,
    schedule_update_recipients,
    summary_save,
)


def _language() -> str:
    language = translation.get_language() or "en"
    return "zh-hans" if language.lower().startswith("zh") else "en"


class ReportsTabMixin(ProjectPageMixin):
    request: AuthenticatedHttpRequest

    def schedule_context(self) -> dict[str, Any]:
        user = self.request.user
        schedule = schedule_get_for(user=user, project=self.project)
        return {
            "schedule": schedule,
            "client_time_zone": client_time_zone(self.project),
            "reports": report_list_for(user=user, project=self.project),
        }


class ProjectReportsView(StaffPageMixin, ReportsTabMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "reports/project_reports.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.schedule_context())
        user = self.request.user
        schedule = context["schedule"]
        context.update(
            may_send=can_send_report(user, self.project),
            may_edit=can_manage_report_schedule(user, self.project),
            summary_form=kwargs.get("summary_form")
            or SummaryForm(initial={"summary": schedule.summary if schedule else ""}),
            existing_report=self._existing_report(),
        )
        return context

    def _existing_report(self) -> Report | None:
        report_id = self.request.GET.get("existing", "")
        if not report_id.isdigit():
            return None
        try:
            return report_get_for(
                user=self.request.user, project=self.project, report_id=int(report_id)
            )
        except NotFound:
            return None


class ReportListExportView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The project's report history as CSV or Excel, as the reports tab lists it: each report's
    period, who sent it, and how its deliveries went (for those who may read the deliveries)."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        with_deliveries = can_view_report_deliveries(user, self.project)
        headers = [_("From"), _("To"), _("Sent by")]
        if with_deliveries:
            headers += [_("Deliveries"), _("Sent"), _("Failed"), _("Address refused")]
        rows = []
        for report in report_list_for(user=user, project=self.project):
            row: list[object] = [
                report.period_start,
                report.period_end,
                report.created_by.display_name
                if report.created_by
                else pgettext("report schedule", "Schedule"),
            ]
            if with_deliveries:
                row += [
                    report.delivery_count,  # type: ignore[attr-defined]
                    report.sent_count,  # type: ignore[attr-defined]
                    report.failed_count,  # type: ignore[attr-defined]
                    report.bounced_count,  # type: ignore[attr-defined]
                ]
            rows.append(row)
        return self.export(
            Table(title=_("Status reports"), headers=headers, rows=rows),
            name=f"{self.project.code}-reports",
            day=local_day(self.project.client.time_zone),
        )


class SummarySaveView(ProjectReportsView):
    """POST only: the PM's summary for the next report. Done, back to the tab; an invalid form
    shows the tab again with the form's errors."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SummaryForm(request.POST)
        if run_form(
            form,
            lambda data: summary_save(
                actor=request.user, project=self.project, summary=data["summary"]
            ),
        ):
            messages.success(request, _("Summary saved for the next report."))
            return redirect("reports:project_reports", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(summary_form=form), status=400)


class ReportSendNowView(StaffPageMixin, ProjectPageMixin, View):
    """POST only: the PM sends the current period's report at once. When it exists already, back
    to the tab, which offers to open it to resend it (a redirect, not a 409 page, so that
    reloading does not post again)."""

    request: AuthenticatedHttpRequest
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        existing: list[Report] = []

        def send() -> Report:
            try:
                return report_send_now(actor=request.user, project=self.project)
            except ReportExists as exists:
                existing.append(exists.report)
                raise

        done = run_action(
            request,
            send,
            success=_("The report was created and is being sent to its recipients."),
        )
        if done is None:
            url = reverse("reports:project_reports", args=[self.project.pk])
            return redirect(f"{url}?existing={existing[0].pk}" if existing else url)
        return redirect("reports:report", project_id=self.project.pk, report_id=done.value.pk)


class ScheduleView(StaffPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "reports/schedule.html"
    project_permission = "reports.manage_report_schedule"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        schedule = schedule_get_for(user=self.request.user, project=self.project)
        context.update(
            schedule=schedule,
            client_time_zone=client_time_zone(self.project),
            form=kwargs.get("form")
            or ScheduleForm(project=self.project, initial=ScheduleForm.initial_of(schedule)),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ScheduleForm(request.POST, project=self.project)
        if run_form(
            form,
            lambda data: schedule_save(
                actor=request.user,
                project=self.project,
                cadence=data["cadence"],
                weekday=data["weekday"],
                day_of_month=data["day_of_month"],
                hour=data["hour"],
                recipient_roles=data["recipient_roles"],
                is_active=data["is_active"],
                communication_item=data["communication_item"],
                extra_recipients=data["extra_recipients"],
                revision=data["revision"],
            ),
        ):
            messages.success(request, _("Report schedule saved."))
            return redirect("reports:project_reports", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PreviewView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The next report as the client will get it, from today's data (nothing is saved)."""

    request: AuthenticatedHttpRequest
    template_name = "reports/preview.html"
    project_permission = "reports.send_report"

    def load_project(self, user: User, project_id: int) -> Project:
        # With its report schedule, which the preview is taken from, in the same query.
        return project_get_for(user=user, project_id=project_id, related=("report_schedule",))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            snapshot = report_preview(actor=self.request.user, project=self.project)
        except ApplicationError as error:
            if error.http_status == 403:
                raise
            context["error"] = error.message
            return context
        context.update(r=present(snapshot, _language()), brand=current_brand())
        return context


class ReportView(StaffPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "reports/report_detail.html"

    def get_report(self) -> Report:
        return report_get_for(
            user=self.request.user, project=self.project, report_id=self.kwargs["report_id"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        user = self.request.user
        context.update(
            report=report,
            r=present(report.snapshot, _language()),
            brand=current_brand(),
            deliveries=delivery_list_for(user=user, report=report),
            may_resend=can_resend_report(user, self.project),
            now=timezone.now(),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.get_report()
        selected = None
        if request.POST.get("delivery"):
            deliveries = delivery_list_for(user=request.user, report=report)
            selected = list(deliveries.filter(pk__in=request.POST.getlist("delivery")))
            if not selected:
                raise NotFound()
        count = report_resend(actor=request.user, report=report, deliveries=selected)
        if count:
            messages.success(
                request, _("Sending again to %(count)d recipient(s).") % {"count": count}
            )
        else:
            messages.info(request, _("Nothing to send again."))
        return redirect("reports:report", project_id=self.project.pk, report_id=report.pk)


class ReportPdfMixin(ProjectPageMixin):
    request: AuthenticatedHttpRequest
    kwargs: dict[str, Any]

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = report_get_for(
            user=request.user, project=self.project, report_id=kwargs["report_id"]
        )
        rendition = rendition_ensure(report=report, language=_language())
        response = HttpResponse(bytes(rendition.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{report_pdf_filename(report.snapshot)}"'
        )
        response["Cache-Control"] = "private"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ReportPdfView(StaffPageMixin, ReportPdfMixin, View):
    request: AuthenticatedHttpRequest


# --- Portal -------------------------------------------------------------------------------------


class PortalReportsView(PortalPageMixin, ReportsTabMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "reports/portal_reports.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.schedule_context())
        may_manage = can_manage_report_recipients(self.request.user, self.project)
        context["may_manage"] = may_manage and context["schedule"] is not None
        if context["may_manage"]:
            context["form"] = kwargs.get("form") or RecipientsForm(
                initial=RecipientsForm.initial_of(context["schedule"])
            )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RecipientsForm(request.POST)
        if run_form(
            form,
            lambda data: schedule_update_recipients(
                actor=request.user,
                project=self.project,
                is_active=data["is_active"],
                recipient_roles=data["recipient_roles"],
                extra_recipients=data["extra_recipients"],
                revision=data["revision"],
            ),
        ):
            messages.success(request, _("Report recipients saved."))
            return redirect("reports:portal_reports", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PortalReportListExportView(PortalPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The report archive as CSV or Excel, as the portal lists it: each report's period."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = (
            [report.period_start, report.period_end]
            for report in report_list_for(user=request.user, project=self.project)
        )
        return self.export(
            Table(title=_("Status reports"), headers=[_("From"), _("To")], rows=rows),
            name=f"{self.project.code}-reports",
            day=local_day(self.project.client.time_zone),
        )


class PortalReportView(PortalPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "reports/portal_report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = report_get_for(
            user=self.request.user, project=self.project, report_id=self.kwargs["report_id"]
        )
        context.update(
            report=report, r=present(report.snapshot, _language()), brand=current_brand()
        )
        return context


class PortalReportPdfView(PortalPageMixin, ReportPdfMixin, View):
    request: AuthenticatedHttpRequest
