from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from common.exports import ExportFormatMixin, Table, local_day
from notifications.models import NOTIFICATION_KINDS, Channel, NotificationKind
from notifications.selectors import notification_list_for
from notifications.services.notifications import notifications_mark_read
from notifications.services.preferences import preferences_for, preferences_set


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(notification_list_for(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


class NotificationExportView(LoginRequiredMixin, ExportFormatMixin, View):
    """One's own notifications as CSV or Excel, on either side: all of them (the list shows 50 a
    page), newest first, with whether each is read."""

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        headers = [_("When"), _("Title"), _("Text"), _("Read")]
        rows = (
            [
                notification.created_at,
                notification.title,
                notification.body,
                notification.read_at is not None,
            ]
            for notification in notification_list_for(user=request.user)
        )
        return self.export(
            Table(title=_("Notifications"), headers=headers, rows=rows),
            name="notifications",
            day=local_day(),
        )


@login_required
@require_POST
def notification_mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    raw_id = request.POST.get("notification", "")
    notifications_mark_read(
        user=request.user, notification_id=int(raw_id) if raw_id.isdigit() else None
    )
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("notifications:list")


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person chooses, per kind of notification, e-mail at once, daily digest or none."""
    current = preferences_for(user=request.user)
    if request.method == "POST":
        chosen = {
            kind: request.POST.get(kind, current[kind])
            for kind in NOTIFICATION_KINDS
            if request.POST.get(kind) in Channel.values
        }
        preferences_set(actor=request.user, channels=chosen)
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    rows = [
        {"kind": kind, "label": NotificationKind(kind).label, "channel": channel}
        for kind, channel in current.items()
    ]
    return render(
        request, "notifications/preferences.html", {"rows": rows, "channels": Channel.choices}
    )
