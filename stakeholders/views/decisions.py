"""The decision log of a project on both sides: the page, its PDF and its CSV export."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.exports import ExportFormatMixin, Table, export_response, local_day
from common.pdf import pdf_response
from projects.mixins import ProjectPageMixin
from stakeholders.selectors.decisions import decision_log_for


class DecisionLogMixin(ProjectPageMixin):
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["decisions"] = decision_log_for(user=self.request.user, project=self.project)
        return context


class DecisionLogView(StaffPageMixin, DecisionLogMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/decision_log.html"


class PortalDecisionLogView(PortalPageMixin, DecisionLogMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "stakeholders/portal_decision_log.html"


def decision_log_pdf(
    request: AuthenticatedHttpRequest, project: Any, *, portal: bool
) -> HttpResponse:
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
    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return decision_log_pdf(request, self.project, portal=False)


class PortalDecisionLogPdfView(PortalPageMixin, ProjectPageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return decision_log_pdf(request, self.project, portal=True)


def decision_log_export(
    request: AuthenticatedHttpRequest, project: Any, *, file_format: Any
) -> HttpResponse:
    """The log as CSV or Excel, with what this person may see."""
    table = Table(
        title=_("Decision log"),
        headers=[_("Date"), _("Kind"), _("Decision"), _("Decided by"), _("Side")],
        rows=(
            (decision.decided_at, decision.kind, decision.text, decision.decided_by, decision.side)
            for decision in decision_log_for(user=request.user, project=project)
        ),
    )
    return export_response(
        table,
        file_format=file_format,
        name=f"{project.code}-decisions",
        day=local_day(project.client.time_zone),
    )


class DecisionLogCsvView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return decision_log_export(request, self.project, file_format=self.file_format)


class PortalDecisionLogCsvView(PortalPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return decision_log_export(request, self.project, file_format=self.file_format)
