"""Reads of the reports app, scoped to what the user may see (reports.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from common.errors import NotFound
from reports.models import Report, ReportDelivery, ReportSchedule
from reports.permissions import can_view_report_deliveries, can_view_reports

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project


def schedule_get_for(*, user: User, project: Project) -> ReportSchedule | None:
    if not can_view_reports(user, project):
        raise NotFound()
    return (
        ReportSchedule.objects.filter(project=project)
        .select_related("communication_item", "summary_updated_by")
        .prefetch_related("extra_recipients")
        .first()
    )


def report_list_for(*, user: User, project: Project) -> QuerySet[Report]:
    """The project's reports, newest period first, with their delivery counts (the counts are
    for the provider side; the snapshot itself is deferred). One query."""
    if not can_view_reports(user, project):
        return Report.objects.none()
    reports = Report.objects.filter(project=project).defer("snapshot").select_related("created_by")
    if can_view_report_deliveries(user, project):
        reports = reports.annotate(
            delivery_count=Count("deliveries"),
            sent_count=Count("deliveries", filter=Q(deliveries__status="sent")),
            failed_count=Count("deliveries", filter=Q(deliveries__status="failed")),
            bounced_count=Count("deliveries", filter=Q(deliveries__is_bounced=True)),
        )
    return reports.order_by("-period_end", "-id")


def report_get_for(*, user: User, project: Project, report_id: int) -> Report:
    report = (
        Report.objects.filter(project=project, pk=report_id).select_related("created_by").first()
        if can_view_reports(user, project)
        else None
    )
    if report is None:
        raise NotFound()
    return report


def delivery_list_for(*, user: User, report: Report) -> QuerySet[ReportDelivery]:
    """Who the report went to and how it went: the provider side only."""
    if not can_view_report_deliveries(user, report.project):
        return ReportDelivery.objects.none()
    return ReportDelivery.objects.filter(report=report).select_related("user").order_by("email")


def delivery_get_for(*, user: User, project: Project, delivery_id: int) -> ReportDelivery:
    delivery = (
        ReportDelivery.objects.filter(pk=delivery_id, report__project=project)
        .select_related("report__project")
        .first()
        if can_view_report_deliveries(user, project)
        else None
    )
    if delivery is None:
        raise NotFound()
    return delivery
