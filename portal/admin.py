from django.contrib import admin

from portal.models import ClientResponseTime, DecisionReminder, ProjectVisit, ViewAsSession


@admin.register(ViewAsSession)
class ViewAsSessionAdmin(admin.ModelAdmin):
    list_display = ["started_at", "viewer", "viewed", "project", "ended_at"]
    list_filter = ["project"]
    search_fields = ["viewer__email", "viewed__email", "project__name"]
    list_select_related = ["viewer", "viewed", "project"]
    readonly_fields = ["viewer", "viewed", "project", "started_at", "ended_at"]

    def has_add_permission(self, request):  # the log is written by the app only
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ClientResponseTime)
class ClientResponseTimeAdmin(admin.ModelAdmin):
    list_display = ["project", "client_response_days"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]


@admin.register(DecisionReminder)
class DecisionReminderAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "user", "dedupe_key"]
    list_select_related = ["user"]
    search_fields = ["user__email", "dedupe_key"]
    readonly_fields = ["user", "dedupe_key", "sent_at"]


@admin.register(ProjectVisit)
class ProjectVisitAdmin(admin.ModelAdmin):
    list_display = ["visited_at", "user", "project"]
    list_select_related = ["user", "project"]
    readonly_fields = ["user", "project", "visited_at"]
