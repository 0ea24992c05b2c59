"""The timeline (Gantt) of a project, its PDF, and the resource view across projects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.exports import ExportFormatMixin, Table, local_day
from common.pdf import pdf_response
from projects.gantt import gantt_layout, gantt_pages
from projects.mixins import ProjectPageMixin
from projects.selectors.tasks import (
    resource_load_for,
    timeline_for,
)

if TYPE_CHECKING:
    from accounts.models import User


# A4 landscape less the margins of timeline_pdf.html, in CSS px (96 per inch): the Gantt's room
# on a page, and on the first page under the title.
PDF_GANTT_WIDTH = (297 - 2 * 12) / 25.4 * 96
PDF_GANTT_HEIGHT = (210 - 16 - 14) / 25.4 * 96 - 8
PDF_GANTT_FIRST_HEIGHT = PDF_GANTT_HEIGHT - 110


class TimelineViewMixin(ProjectPageMixin):
    """The Gantt (projects.gantt: ?zoom=day|week|month, else chosen from the span) and the
    schedule table of the milestones and tasks the user may see."""

    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = cast("User", self.request.user)  # signed in: the side's login mixin runs first
        timeline = timeline_for(user=user, project=self.project)
        today = timezone.localdate()
        context.update(
            timeline=timeline,
            gantt=gantt_layout(
                timeline,
                codes=timeline.codes,
                zoom=self.request.GET.get("zoom"),
                today=today,
            ),
            today=today,
        )
        return context


class TimelineView(StaffPageMixin, TimelineViewMixin, TemplateView):
    """The Gantt chart of milestones and tasks with the critical path, and the same as a table."""

    request: AuthenticatedHttpRequest

    template_name = "projects/timeline.html"


class TimelinePdfMixin(ProjectPageMixin, View):
    """The plan as a PDF to hand out: the Gantt on A4 landscape pages, then the schedule table,
    of the milestones and tasks the user may see (a client's: client-visible ones only)."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        timeline = timeline_for(user=request.user, project=self.project)
        today = timezone.localdate()
        pages = gantt_pages(
            timeline,
            codes=timeline.codes,
            zoom=request.GET.get("zoom"),
            today=today,
            width=PDF_GANTT_WIDTH,
            height=PDF_GANTT_HEIGHT,
            first_height=PDF_GANTT_FIRST_HEIGHT,
        )
        placed = [row for page in pages for row in page.rows]  # in the timeline's order
        context = {
            "project": self.project,
            "timeline": timeline,
            "pages": pages,
            "schedule": list(zip(placed, timeline.rows, strict=True)),
            "shows": {
                "milestone": any(row.is_milestone for row in placed),
                "baseline": any(row.has_baseline for row in placed),
                "today": bool(pages) and pages[0].today is not None,
            },
            "today": today,
        }
        return pdf_response(
            "projects/timeline_pdf.html",
            context,
            request,
            filename=f"{self.project.code}-timeline.pdf",
        )


class TimelinePdfView(StaffPageMixin, TimelinePdfMixin):
    """The plan's PDF from the staff timeline."""


class ResourceView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    """Each person's planned hours per week across their projects, over-allocation flagged."""

    request: AuthenticatedHttpRequest

    permission_required = "projects.view_resources"
    template_name = "projects/resources.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["load"] = resource_load_for(user=self.request.user, today=timezone.localdate())
        context["nav"] = "resources"
        return context


class ResourceExportView(StaffPageMixin, PermissionRequiredMixin, ExportFormatMixin, View):
    """The resource view as CSV or Excel: one line per person and week, with the planned hours,
    the capacity, whether the week is over-allocated and whether the person is on leave in it."""

    request: AuthenticatedHttpRequest

    permission_required = "projects.view_resources"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        load = resource_load_for(user=request.user, today=timezone.localdate())
        headers = [
            _("Person"),
            _("Week"),
            _("Week starts"),
            _("Planned hours"),
            _("Capacity (hours)"),
            _("Over-allocated"),
            _("On leave"),
        ]
        rows = [
            [
                row.person.name,
                label,
                monday,
                cell.hours,
                cell.capacity,
                cell.is_over,
                cell.has_leave,
            ]
            for row in load.rows
            for label, monday, cell in zip(load.week_labels, load.weeks, row.cells, strict=True)
        ]
        return self.export(
            Table(title=_("Resources"), headers=headers, rows=rows),
            name="resources",
            day=local_day(),
        )
