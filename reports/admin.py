"""Staff admins read schedules, reports and deliveries; reports never change once created."""

from django.contrib import admin
from django.http import HttpRequest

from reports.models import Report, ReportDelivery, ReportSchedule


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ("project", "cadence", "hour", "is_active", "next_run_at")
    list_filter = ("cadence", "is_active")
    readonly_fields = ("next_run_at",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("project", "period_start", "period_end", "trigger", "created_at")
    list_select_related = ("project",)

    def has_change_permission(self, request: HttpRequest, obj: Report | None = None) -> bool:
        return False


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ("report", "email", "language", "status", "attempts", "sent_at", "is_bounced")
    list_filter = ("status", "is_bounced")
    list_select_related = ("report__project",)
    readonly_fields = ("message_id", "claimed_at")
