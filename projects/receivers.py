"""The projects app's part in what notifications tells and allows: the PMs of the project an
outbox message is about are told when it fails, and may send it again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import OutboxMessage
from projects.models import Role
from projects.services.notify import notify_pms

if TYPE_CHECKING:
    from accounts.models import User


def is_pm_of_message(user: User, message: OutboxMessage) -> bool:
    """A resend rule (notifications.permissions.register_resend_rule): the project's PM, for a
    failed message about the project (sending again what went out is a staff admin's call)."""
    if message.project_id is None or message.status != OutboxMessage.Status.FAILED:
        return False
    return user.project_roles.get(message.project_id) == Role.PM


def tell_pms_of_failed_message(sender: Any, *, message: OutboxMessage, **kwargs: Any) -> None:
    """Receiver of notifications.signals.outbox_message_failed: in the app only (an e-mail about
    a failed e-mail could fail the same way), in each PM's language."""
    if message.project_id is None:
        return
    notify_pms(
        message.project_id,
        title=lambda: (
            _("An e-mail to %(email)s could not be delivered: %(subject)s")
            % {"email": message.to_email, "subject": message.subject}
        ),
        body=message.last_error,
        url=reverse("projects:failed_emails", args=[message.project_id]),
    )
