from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from stakeholders.models import ChangeRequest, ScheduleImpact


class ScheduleImpactInline(admin.TabularInline):
    model = ScheduleImpact
    extra = 0
    raw_id_fields = ["milestone"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "project", "status", "visibility", "cost_impact", "applied_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["title"]
    raw_id_fields = [
        "project",
        "requested_by",
        "assessed_by",
        "provider_approved_by",
        "client_approved_by",
        "rejected_by",
    ]
    inlines = [ScheduleImpactInline]


from stakeholders import admin_discussions  # noqa: E402, F401  (the discussion admins)
