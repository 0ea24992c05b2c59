"""Reads of the reports app, scoped to what the user may see (reports.permissions)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from accounts.permissions import is_staff_admin
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


def failed_deliveries_for(*, user: User, since: datetime) -> QuerySet[ReportDelivery]:
    """Report e-mails of every project that failed, of reports created since `since` (a
    delivery fails within hours of its report: retries are capped at an hour apart): a staff
    admin's operations view; nobody else's."""
    if not is_staff_admin(user):
        return ReportDelivery.objects.none()
    return (
        ReportDelivery.objects.filter(status=ReportDelivery.Status.FAILED, created_at__gte=since)
        .select_related("report__project")
        .order_by("-created_at", "pk")
    )


def failed_delivery_count(*, since: datetime) -> int:
    """How many report e-mails of reports created since `since` failed (for monitoring)."""
    return ReportDelivery.objects.filter(
        status=ReportDelivery.Status.FAILED, created_at__gte=since
    ).count()


def delivery_get_for_staff_admin(*, user: User, delivery_id: int) -> ReportDelivery:
    """One delivery of any project, for a staff admin's operations view; NotFound for a
    missing one and for anybody else."""
    delivery = (
        ReportDelivery.objects.filter(pk=delivery_id).select_related("report__project").first()
        if is_staff_admin(user)
        else None
    )
    if delivery is None:
        raise NotFound()
    return delivery
