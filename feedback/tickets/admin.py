"""Staff admins set the complaint SLA targets (business hours per severity); without a row a
severity keeps the default of feedback.tickets.services.DEFAULT_SLA_TARGETS."""

from django.contrib import admin

from feedback.models import SlaTarget


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ("severity", "first_response_hours", "resolution_hours")
