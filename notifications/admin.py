from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import is_staff_admin
from notifications.adapters import carries_sign_in_secret
from notifications.models import DigestItem, Notification, NotificationPreference, OutboxMessage
from notifications.services.outbox import outbox_resend

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "subject"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["resend"]

    def get_fields(self, request: HttpRequest, obj: OutboxMessage | None = None) -> _FieldGroups:
        """A sign-in e-mail's text (a password reset link) is the recipient's alone: a staff
        admin sees that it went out, and can send it again, without reading it."""
        fields = super().get_fields(request, obj)
        if obj is not None and carries_sign_in_secret(obj.kind):
            return [name for name in fields if name not in ("body_text", "body_html")]
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    # Staff admins see the outbox and resend from it (outbox_resend checks the same predicate),
    # whether or not they also hold Django's model permissions.
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_staff_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Send again"))
    def resend(self, request: AuthenticatedHttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = 0
        for message in queryset:
            outbox_resend(actor=request.user, message=message)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(DigestItem)
class DigestItemAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "title", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["user", "digest"]
    readonly_fields = ["dedupe_key", "sent_at", "digest"]
