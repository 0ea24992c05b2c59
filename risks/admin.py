from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from risks.models import Issue, Risk, RiskSettings


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "project", "level", "status", "visibility"]
    list_filter = ["level", "status", "visibility"]
    search_fields = ["title"]
    raw_id_fields = ["project", "owner", "raised_by"]
    filter_horizontal: list[str] = []


@admin.register(Issue)
class IssueAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "project", "status"]
    raw_id_fields = ["project", "risk", "owner"]


@admin.register(RiskSettings)
class RiskSettingsAdmin(admin.ModelAdmin):
    list_display = ["project", "medium_from", "high_from", "critical_from"]
    raw_id_fields = ["project"]
