from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from stakeholders.models import ChangeRequest, ScheduleImpact

DECIDED = (ChangeRequest.Status.APPROVED, ChangeRequest.Status.REJECTED)


def _is_decided(obj: ChangeRequest | None) -> bool:
    return obj is not None and obj.status in DECIDED


class ScheduleImpactInline(admin.TabularInline):
    model = ScheduleImpact
    extra = 0
    raw_id_fields = ["milestone"]

    def has_add_permission(self, request: HttpRequest, obj: ChangeRequest | None = None) -> bool:
        return not _is_decided(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: ChangeRequest | None = None) -> bool:
        return not _is_decided(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ChangeRequest | None = None) -> bool:
        return not _is_decided(obj) and super().has_delete_permission(request, obj)


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

    # An approved or rejected change request is what both sides signed (or refused): the admin
    # shows it and changes nothing of it.
    def has_change_permission(self, request: HttpRequest, obj: ChangeRequest | None = None) -> bool:
        return not _is_decided(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ChangeRequest | None = None) -> bool:
        return not _is_decided(obj) and super().has_delete_permission(request, obj)
