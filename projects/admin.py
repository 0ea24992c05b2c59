from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Invitation, Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["user", "role", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Members join through invitations (projects.services.invitations), which check both sides.
        return False


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "client", "start_date", "end_date", "is_archived"]
    list_filter = ["is_archived", "client"]
    search_fields = ["code", "name"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "project", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["nonce", "accepted_at", "accepted_by"]
    raw_id_fields = ["project", "invited_by", "accepted_by", "organization"]
